/**
 * The create-time half of volumes (moby registerMountPoints, createContainerOSSpecificSettings
 * and populateVolumes): the planned mount points get their volumes (named ones created if
 * absent, anonymous ones made with a random name), every volume is referenced by the new
 * container, the image's VOLUMEs not already covered become anonymous volumes, and each
 * volume that asks for it receives the image's content at its destination.
 *
 * All or nothing: if a step fails, the references taken so far are released and the
 * anonymous volumes made so far removed, and the error is rethrown.
 *
 * One deliberate difference: an image VOLUME's mount point records the volume's path in
 * `Source` (Docker leaves it empty on disk and looks it up for inspect).
 */
import { posix } from 'node:path';
import { SystemError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import type { ContainerVolumes } from '../manager-context.js';
import { resolveInRoot } from '../spec/index.js';
import { copyImageContent } from './copy-image-content.js';
import type { MountPointRecord, ParsedMountPoint } from './mount-point.js';
import type { MountPlan } from './plan-mount-points.js';
import { lstatSync } from 'node:fs';

/** Docker's label on volumes made without a name (volume.AnonymousLabel). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
const LOCAL_DRIVER = 'local';

export interface CreateMountPointsInput {
  volumes: ContainerVolumes;
  containerId: string;
  plan: MountPlan;
  /** Config.Volumes of the image and the request, merged. */
  configVolumes: string[];
  /** HostConfig.Tmpfs destinations (an image VOLUME there is not made). */
  tmpfsDestinations: string[];
  /** HostConfig.VolumeDriver for the anonymous volumes of image VOLUMEs. */
  volumeDriver: string;
  /** Mounts the container's rootfs for the checks and the copy; called only when needed. */
  withRootfs<T>(fn: (rootfs: string) => Promise<T>): Promise<T>;
  logger: Logger;
}

export async function createMountPoints(
  input: CreateMountPointsInput,
): Promise<Record<string, MountPointRecord>> {
  const { volumes, containerId } = input;
  const referenced: string[] = [];
  const anonymous: string[] = [];
  const planned: ParsedMountPoint[] = [...input.plan.values()];
  try {
    for (const parsed of planned) {
      if (parsed.record.Type !== 'volume') continue;
      await attachVolume(input, parsed, referenced, anonymous);
    }
    const imageVolumes = input.configVolumes
      .map((spec) => cleanDestination(spec))
      .filter((dest) => !input.plan.has(dest) && !input.tmpfsDestinations.includes(dest));
    const toCopy = () => planned.filter((p) => p.copyData && p.record.Type === 'volume');
    if (imageVolumes.length > 0 || toCopy().length > 0) {
      await input.withRootfs(async (rootfs) => {
        for (const destination of [...new Set(imageVolumes)]) {
          refuseOverFile(rootfs, destination);
          const parsed: ParsedMountPoint = {
            record: {
              Source: '',
              Destination: destination,
              RW: true,
              Name: '',
              Driver: input.volumeDriver,
              Type: 'volume',
              Spec: {},
              SkipMountpointCreation: false,
            },
            copyData: true,
          };
          await attachVolume(input, parsed, referenced, anonymous, { imageVolume: true });
          planned.push(parsed);
        }
        for (const parsed of toCopy()) await populate(input, rootfs, parsed.record);
      });
    }
  } catch (err) {
    for (const name of referenced) volumes.release(name, containerId);
    for (const name of anonymous) {
      await volumes.remove(name).catch((removeErr: unknown) =>
        input.logger.warn('removing an anonymous volume after a failed create failed', {
          volume: name,
          error: String(removeErr),
        }),
      );
    }
    throw err;
  }
  const mountPoints: Record<string, MountPointRecord> = {};
  for (const parsed of planned) mountPoints[parsed.record.Destination] = parsed.record;
  return mountPoints;
}

async function attachVolume(
  input: CreateMountPointsInput,
  parsed: ParsedMountPoint,
  referenced: string[],
  anonymous: string[],
  options: { imageVolume?: boolean } = {},
): Promise<void> {
  const { volumes, containerId } = input;
  const record = parsed.record;
  let volume;
  if (parsed.fromContainer) {
    volume = volumes.get(record.Name);
  } else if (record.Name === '') {
    volume = await volumes.create({
      ...(record.Driver ? { driver: record.Driver } : {}),
      labels: { ...parsed.volumeLabels, [ANONYMOUS_LABEL]: '' },
      ...(parsed.volumeOptions ? { options: parsed.volumeOptions } : {}),
    });
    anonymous.push(volume.name);
  } else {
    volume = await volumes.create({
      name: record.Name,
      ...(record.Driver ? { driver: record.Driver } : {}),
      ...(parsed.volumeLabels ? { labels: parsed.volumeLabels } : {}),
      ...(parsed.volumeOptions ? { options: parsed.volumeOptions } : {}),
    });
  }
  volumes.reference(volume.name, containerId);
  referenced.push(volume.name);
  record.Name = volume.name;
  record.Driver = volume.driver;
  record.Source = volume.mountpoint;
  // dockerd's setBindModeIfNull: a local volume mounted by -v or --mount shows mode "z".
  if (!parsed.fromContainer && !options.imageVolume && volume.driver === LOCAL_DRIVER && !record.Relabel) {
    record.Relabel = 'z';
  }
}

async function populate(
  input: CreateMountPointsInput,
  rootfs: string,
  record: MountPointRecord,
): Promise<void> {
  const { volumes, containerId, logger } = input;
  const path = await volumes.mount(record.Name, containerId);
  try {
    const result = await copyImageContent(rootfs, record.Destination, path, (message) =>
      logger.warn(message, { container: containerId, volume: record.Name }),
    );
    logger.debug('copy-in of image content into a volume', {
      container: containerId,
      volume: record.Name,
      destination: record.Destination,
      copied: result.copied,
      ...(result.reason ? { reason: result.reason } : {}),
    });
  } finally {
    await volumes.unmount(record.Name, containerId, { quiet: true });
  }
}

/** `cannot mount volume over existing file, file exists <path>` (an image VOLUME on a file). */
function refuseOverFile(rootfs: string, destination: string): void {
  const resolved = resolveInRoot(rootfs, destination);
  const hostPath = posix.join(rootfs, resolved);
  let st;
  try {
    st = lstatSync(hostPath);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    throw new SystemError(`cannot mount volume over existing file, file exists ${hostPath}`);
  }
}

function cleanDestination(spec: string): string {
  const clean = posix.normalize(spec);
  return clean.length > 1 ? clean.replace(/\/$/, '') : clean;
}
