/**
 * `docker create`: a record, a read-write layer with its `-init` layer on top of the image,
 * the container's volumes (made, referenced and filled with the image's content, as dockerd
 * does at create), and `containers/<id>/`. The name is reserved first; on any failure
 * everything made so far is undone, so a failed create leaves no name, layer, volume
 * reference, anonymous volume or directory behind.
 */
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ContainerCreateRequest, ContainerCreateResponse } from '../../api/types/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { validateLogConfig } from '../logs/index.js';
import {
  emptyNetworkSettings,
  mergeContainerConfig,
  newState,
  orderedEndpoint,
  normalizeHostConfig,
  nowGoTime,
  type ContainerRecord,
} from '../model/index.js';
import { validateSpecOptions } from '../spec/index.js';
import { DOCKER_MASKED_PATHS, DOCKER_READONLY_PATHS } from '../../runtime/spec/index.js';
import type { ManagerContext } from '../manager-context.js';
import { refuseUnsupportedOptions } from './unsupported-options.js';
import { initialNetworkName } from './bridge-endpoint.js';
import { publishRequests } from '../../network/index.js';
import { checkResources } from './resource-checks.js';
import { createMountPoints, planMountPoints, releaseVolumes } from '../volumes/index.js';

export interface CreateOptions {
  name: string;
  platform: string;
}

export async function createContainer(
  ctx: ManagerContext,
  request: ContainerCreateRequest,
  options: CreateOptions,
): Promise<ContainerCreateResponse> {
  const { layers, resolveImage, publish } = ctx.options;
  if (!request.Image) throw new InvalidArgumentError('No image specified');
  const image = resolveImage(request.Image);
  if (options.platform !== '' && !samePlatform(options.platform, image.config)) {
    throw new InvalidArgumentError(
      `image with reference ${request.Image} was found but does not match the specified platform: wanted ${options.platform}, actual: ${image.config.os}/${image.config.architecture}`,
    );
  }
  const hostConfig = normalizeHostConfig(request.HostConfig ?? {}, {
    maskedPaths: [...DOCKER_MASKED_PATHS],
    readonlyPaths: [...DOCKER_READONLY_PATHS],
  });
  validateLogConfig(hostConfig.LogConfig?.Type ?? 'json-file', hostConfig.LogConfig?.Config ?? {});
  validateSpecOptions(hostConfig);
  refuseUnsupportedOptions(hostConfig);
  // A malformed port binding is refused at create, as dockerd does, not at the first start.
  publishRequests({ portBindings: hostConfig.PortBindings ?? null });
  checkResources(hostConfig);
  // Every -v, --mount and --volumes-from is parsed and checked before anything is made.
  const mountPlan = planMountPoints(hostConfig, (name) => ctx.registry.get(name).MountPoints ?? {});

  const { id, name } = ctx.registry.allocate(options.name);
  const dir = ctx.containerDir(id);
  let layerMade = false;
  let volumesTaken = false;
  let record: ContainerRecord | undefined;
  try {
    const merged = mergeContainerConfig(request, image.config.config ?? {}, {
      id,
      networkMode: hostConfig.NetworkMode ?? '',
      hostHostname: hostname(),
    });
    const networkSettings = emptyNetworkSettings();
    const networkName = initialNetworkName(hostConfig.NetworkMode ?? '');
    if (networkName !== undefined) networkSettings.Networks[networkName] = orderedEndpoint({});
    record = {
      ID: id,
      Created: nowGoTime(),
      Path: merged.path,
      Args: merged.args,
      Config: merged.config,
      State: newState(),
      Image: image.id,
      NetworkSettings: networkSettings,
      LogPath: hostConfig.LogConfig?.Type === 'none' ? '' : join(dir, `${id}-json.log`),
      Name: name,
      Driver: layers.driver,
      OS: 'linux',
      Platform: 'linux',
      MountLabel: '',
      ProcessLabel: '',
      RestartCount: 0,
      HasBeenStartedBefore: false,
      HasBeenManuallyStopped: false,
      MountPoints: {},
      AppArmorProfile: '',
      HostnamePath: '',
      HostsPath: '',
      ShmPath: '',
      ResolvConfPath: '',
      SeccompProfile: '',
      NoNewPrivileges: false,
      HostConfig: hostConfig,
    };
    await layers.createRWLayer(id, image.topLayer);
    layerMade = true;
    record.MountPoints = await createMountPoints({
      volumes: ctx.options.volumes,
      containerId: id,
      plan: mountPlan,
      configVolumes: Object.keys(merged.config.Volumes ?? {}),
      tmpfsDestinations: Object.keys(hostConfig.Tmpfs ?? {}),
      volumeDriver: hostConfig.VolumeDriver ?? '',
      withRootfs: async (fn) => {
        const rootfs = await layers.mount(id);
        try {
          return await fn(rootfs);
        } finally {
          await layers.unmount(id);
        }
      },
      logger: ctx.options.logger,
    });
    volumesTaken = true;
    // containers/<id>/ appears whole (made under a temporary name), so a crash leaves none.
    await ctx.store.create(record);
    ctx.registry.add(record);
    publish('create', record);
    return { Id: id, Warnings: [] };
  } catch (err) {
    ctx.registry.releaseName(name);
    if (volumesTaken && record) await releaseVolumes(ctx, record, true);
    if (layerMade) await layers.removeRWLayer(id).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function samePlatform(wanted: string, config: { os: string; architecture: string }): boolean {
  const [os, arch] = wanted.split('/');
  return os === config.os && (arch === undefined || arch === config.architecture);
}
