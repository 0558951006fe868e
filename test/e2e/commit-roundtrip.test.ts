/**
 * Issue 7's round-trip property, against a real ladingd over the Engine API: for each seeded
 * random sequence of file operations (test/support/fs-ops-script.ts) run in one container,
 * commit it, create a container of the new image, and compare the two root filesystems entry
 * by entry (test/support/rootfs-tree.ts). Then once through a registry: a committed image
 * pushed to a registry on 127.0.0.1 and pulled into a second ladingd with a fresh data root
 * gives the same tree.
 *
 * Busybox has no setfattr, so the xattrs a sequence adds or removes are set from the host in
 * the stopped container's upper dir before the commit — what `setfattr` inside the container
 * would leave there (the file copied up, its xattrs changed).
 *
 * LADING_ROUNDTRIP_SEQUENCES (default 200) and LADING_ROUNDTRIP_SEED (default 1: seeds 1..N)
 * choose the sequences; a failure names its seed, so
 * `LADING_ROUNDTRIP_SEED=<seed> LADING_ROUNDTRIP_SEQUENCES=1` replays it alone.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import { lremovexattr, lsetxattr } from '../../src/sys/index.js';
import { BlobDir, buildImage, busyboxRootfs, DEFAULT_APPLETS } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { EngineApi, type Json } from '../support/engine-api.js';
import {
  EXTRA_APPLETS,
  generateScript,
  LOWER_LAYERS,
  xattrPlan,
  type GeneratedScript,
} from '../support/fs-ops-script.js';
import { startRegistry } from '../support/registry.js';
import { compareTrees, readContainerTree, type Tree } from '../support/rootfs-tree.js';
import { SeededRandom } from '../support/seeded-random.js';
import { makeTestDirs } from '../support/test-base.js';

const SEQUENCES = Number(process.env.LADING_ROUNDTRIP_SEQUENCES ?? 200);
const FIRST_SEED = Number(process.env.LADING_ROUNDTRIP_SEED ?? 1);
const BASE_IMAGE = 'roundtrip/base:latest';

describe('commit round trip', { timeout: 1_200_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let api: EngineApi;
  let work: string;

  before(async () => {
    const dirs = makeTestDirs('commit-roundtrip');
    cleanup.directory(dirs.root);
    work = join(dirs.root, 'work');
    mkdirSync(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage(
      {
        layers: [busyboxRootfs({ applets: [...DEFAULT_APPLETS, ...EXTRA_APPLETS] }), ...LOWER_LAYERS],
        config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
      },
      blobs,
    );
    await image.writeDockerArchive(join(work, 'base.tar'), { repoTags: [BASE_IMAGE] });
    daemon = await startDaemon({ cleanup, label: 'roundtrip' });
    api = new EngineApi(daemon.socketPath);
    await api.loadImage(join(work, 'base.tar'));
  });

  interface Sequence {
    seed: number;
    generated: GeneratedScript;
    /** The container the script ran in, its changes (and xattrs) in its upper dir. */
    container: string;
    /** Still running (sleeping after the script): the commit pauses it. */
    running: boolean;
    inspect: Json;
  }

  /**
   * Runs seed's script in a container and applies its xattr plan in the upper dir. Every
   * fourth seed keeps the container running after the script, so the commit pauses it.
   */
  async function runSequence(seed: number): Promise<Sequence> {
    const random = new SeededRandom(seed);
    const generated = generateScript(random);
    const running = seed % 4 === 0;
    const fail = async (id: string, why: string) => {
      const logs = await api.logs(id);
      await api.removeContainer(id);
      assert.fail(`seed ${seed}: ${why}:\n${logs}\nscript:\n${generated.script}`);
    };
    let id: string;
    if (running) {
      id = await api.createContainer(BASE_IMAGE, {
        cmd: ['sh', '-c', `${generated.script}\necho script-done\nexec sleep 1000`],
      });
      await api.start(id);
      const deadline = Date.now() + 30_000;
      while (!(await api.logs(id)).includes('script-done')) {
        const state = (await api.inspectContainer(id)).State as { Running: boolean; ExitCode: number };
        if (!state.Running) await fail(id, `the script exited with ${state.ExitCode}`);
        if (Date.now() > deadline) await fail(id, 'the script did not finish in 30 s');
        await sleep(20);
      }
    } else {
      const result = await api.runToExit(BASE_IMAGE, ['sh', '-c', generated.script]);
      id = result.id;
      if (result.exitCode !== 0) await fail(id, `the script exited with ${result.exitCode}`);
    }
    const inspect = await api.inspectContainer(id);
    const upper = (inspect.GraphDriver as { Data: { UpperDir: string } }).Data.UpperDir;
    const inUpper = (path: string) => {
      try {
        const st = lstatSync(join(upper, path));
        return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : undefined;
      } catch {
        return undefined;
      }
    };
    for (const change of xattrPlan(random, generated.model, inUpper)) {
      const path = join(upper, change.path);
      if (change.value !== undefined) lsetxattr(path, change.name, change.value);
      else {
        try {
          lremovexattr(path, change.name);
        } catch {
          // not there: the script replaced the file, which dropped it already
        }
      }
    }
    return { seed, generated, container: id, running, inspect };
  }

  function failure(sequence: Sequence, differences: string[], what: string): string {
    return (
      `seed ${sequence.seed} (replay with LADING_ROUNDTRIP_SEED=${sequence.seed} LADING_ROUNDTRIP_SEQUENCES=1): ` +
      `${what} differs in ${differences.length} place(s):\n  ${differences.slice(0, 30).join('\n  ')}\n` +
      `script (${sequence.generated.operations} operations):\n${sequence.generated.script}`
    );
  }

  it(`keeps every change of ${SEQUENCES} random sequences through commit`, async () => {
    const started = Date.now();
    let operations = 0;
    // What the committed trees held, to show the sequences exercised what they should.
    // Counted over entries the sequence changed (not as in the base image).
    const seen = { userXattrs: 0, capabilities: 0, linkGroups: 0, fifos: 0, setuid: 0, symlinks: 0 };
    let base: Tree | undefined;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEQUENCES; seed++) {
      const sequence = await runSequence(seed);
      operations += sequence.generated.operations;
      const image = await api.commit(sequence.container, { comment: `seed ${seed}` });
      if (sequence.running) {
        const state = (await api.inspectContainer(sequence.container)).State as Json;
        assert.equal(state.Status, 'running', `seed ${seed}: running again after the commit`);
      }
      const copy = await api.createContainer(image, { cmd: ['true'] });
      const original = readContainerTree(sequence.inspect, join(work, 'mnt-original'), cleanup);
      const committed = readContainerTree(
        await api.inspectContainer(copy),
        join(work, 'mnt-committed'),
        cleanup,
      );
      await api.removeContainer(sequence.container);
      await api.removeContainer(copy);
      await api.removeImage(image);
      const differences = compareTrees(original, committed);
      if (differences.length > 0) assert.fail(failure(sequence, differences, 'the committed tree'));
      if (base === undefined) {
        // The comparison can fail: the base image's tree is not the changed one.
        const container = await api.createContainer(BASE_IMAGE, { cmd: ['true'] });
        base = readContainerTree(await api.inspectContainer(container), join(work, 'mnt-base'), cleanup);
        await api.removeContainer(container);
        assert.notDeepEqual(compareTrees(original, base), [], 'the script changed the tree');
      }
      for (const [path, entry] of committed.entries) {
        if (JSON.stringify(base.entries.get(path)) === JSON.stringify(entry)) continue;
        if (Object.keys(entry.xattrs).some((name) => name.startsWith('user.'))) seen.userXattrs++;
        if (entry.xattrs['security.capability'] !== undefined) seen.capabilities++;
        if (entry.type === 'fifo') seen.fifos++;
        if ((entry.mode & 0o6000) !== 0) seen.setuid++;
        if (entry.type === 'symlink') seen.symlinks++;
      }
      const baseGroups = new Set(base.linkGroups.map((group) => group.join(' ')));
      seen.linkGroups += committed.linkGroups.filter((group) => !baseGroups.has(group.join(' '))).length;
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `commit round trip: ${SEQUENCES} sequences (seeds ${FIRST_SEED}..${FIRST_SEED + SEQUENCES - 1}), ` +
        `${operations} operations, ${seconds.toFixed(1)} s; entries seen: ${JSON.stringify(seen)}`,
    );
    for (const [what, count] of Object.entries(seen))
      assert.ok(count > 0, `no ${what} in any committed tree`);
  });

  it('gives the same tree after a push to a registry and a pull into a fresh data root', async () => {
    const registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    const repository = `${registry.host}/roundtrip/committed`;
    // A sequence of its own, after the ones the property test ran.
    const sequence = await runSequence(FIRST_SEED + SEQUENCES);
    const image = await api.commit(sequence.container, { repo: repository, tag: 'v1' });
    const original: Tree = readContainerTree(sequence.inspect, join(work, 'mnt-pushed'), cleanup);
    await api.push(repository, 'v1');

    const fresh = await startDaemon({ cleanup, label: 'roundtrip-pull' });
    const pulling = new EngineApi(fresh.socketPath);
    await pulling.pull(repository, 'v1');
    assert.equal((await pulling.inspectImage(`${repository}:v1`)).Id, image, 'the same image id');
    const copy = await pulling.createContainer(`${repository}:v1`, { cmd: ['true'] });
    const pulled = readContainerTree(await pulling.inspectContainer(copy), join(work, 'mnt-pulled'), cleanup);
    const differences = compareTrees(original, pulled);
    if (differences.length > 0) assert.fail(failure(sequence, differences, 'the pulled tree'));
    await pulling.removeContainer(copy);
    await api.removeContainer(sequence.container);
    await fresh.stop();
  });
});
