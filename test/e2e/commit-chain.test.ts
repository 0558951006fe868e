/**
 * Commit chains (issue 7 item 5), over the Engine API: a container of a committed image is
 * committed again, many times, until the image has more layers than one overlay mount can
 * take (about 135 here; src/layer/overlay2/mount-plan.ts stacks the bottom ones). Each step
 * adds a file, rewrites one shared file, and every tenth step deletes a file an earlier step
 * added, so whiteouts high in the chain must hide files low in it (across the stack). At the
 * end a container of the last image sees exactly the files it should, with their contents,
 * and `diff` and `history` are right. A chain deeper than even a stacked mount can hold is
 * refused with the clear error (hostile-input row 28), not a kernel EINVAL.
 *
 * LADING_CHAIN_DEPTH (default 150) sets how many commits the chain has.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { planMount } from '../../src/layer/overlay2/mount-plan.js';
import { BlobDir, buildImage, busyboxRootfs, type TarEntry } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { EngineApi, EngineApiError } from '../support/engine-api.js';
import { makeTestDirs } from '../support/test-base.js';

const DEPTH = Number(process.env.LADING_CHAIN_DEPTH ?? 150);
const BASE_IMAGE = 'chain/base:latest';

/** Step i's script, and what it leaves: f-i added, latest rewritten, f-(i-9) gone when i % 10 = 0. */
function stepScript(step: number): string {
  const lines = ['mkdir -p /chain', `echo step-${step} > /chain/f-${step}`, `echo ${step} > /chain/latest`];
  if (step % 10 === 0) lines.push(`rm /chain/f-${step - 9}`);
  return lines.join('; ');
}

function expectedFiles(depth: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let step = 1; step <= depth; step++) {
    files.set(`/chain/f-${step}`, `step-${step}`);
    if (step % 10 === 0) files.delete(`/chain/f-${step - 9}`);
  }
  files.set('/chain/latest', String(depth));
  return files;
}

describe('commit chains', { timeout: 900_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let api: EngineApi;
  let work: string;
  let blobs: BlobDir;

  before(async () => {
    const dirs = makeTestDirs('commit-chain');
    cleanup.directory(dirs.root);
    work = join(dirs.root, 'work');
    mkdirSync(work);
    blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage(
      { layers: [busyboxRootfs()], config: { Cmd: ['sh'], Env: ['PATH=/bin'] } },
      blobs,
    );
    await image.writeDockerArchive(join(work, 'base.tar'), { repoTags: [BASE_IMAGE] });
    daemon = await startDaemon({ cleanup, label: 'chain' });
    api = new EngineApi(daemon.socketPath);
    await api.loadImage(join(work, 'base.tar'));
  });

  /** Runs `script` in a container of `image` and returns its output; the container is removed. */
  async function output(image: string, script: string): Promise<string> {
    const { id, exitCode } = await api.runToExit(image, ['sh', '-c', script]);
    const logs = await api.logs(id);
    await api.removeContainer(id);
    assert.equal(exitCode, 0, `sh -c '${script}' in ${image} exited with ${exitCode}:\n${logs}`);
    return logs;
  }

  it(`keeps every file through ${DEPTH} commits on top of each other`, async () => {
    const base = await api.inspectImage(BASE_IMAGE);
    const baseLayers = (base.RootFS as { Layers: string[] }).Layers.length;
    let image = BASE_IMAGE;
    for (let step = 1; step <= DEPTH; step++) {
      const { id, exitCode } = await api.runToExit(image, ['sh', '-c', stepScript(step)]);
      if (exitCode !== 0) {
        const logs = await api.logs(id);
        assert.fail(`step ${step} (on ${step + baseLayers - 1} layers) exited with ${exitCode}:\n${logs}`);
      }
      image = await api.commit(id, { repo: 'chain/step', tag: String(step), comment: `step ${step}` });
      await api.removeContainer(id);
    }
    const last = await api.inspectImage(image);
    assert.equal((last.RootFS as { Layers: string[] }).Layers.length, baseLayers + DEPTH);

    // Every file, and only those, with its content: the shell's glob lists them sorted.
    const listing = await output(image, 'for f in /chain/*; do echo "$f=$(cat $f)"; done');
    const seen = new Map(
      listing
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    assert.deepEqual(
      [...seen].sort(),
      [...expectedFiles(DEPTH)].sort(),
      'the files of the last image (whiteouts high in the chain hide files low in it)',
    );

    // diff of a container of the last image: only its own changes, not the chain's.
    const { id, exitCode } = await api.runToExit(image, [
      'sh',
      '-c',
      `echo final > /chain/latest; echo new > /chain/new; rm /chain/f-${DEPTH}`,
    ]);
    assert.equal(exitCode, 0, await api.logs(id));
    // The chain is past what one overlay mount takes: its bottom layers had to be stacked.
    const graph = (await api.inspectContainer(id)).GraphDriver as {
      Data: { UpperDir: string; LowerDir: string };
    };
    const lowers = graph.Data.LowerDir.split(':');
    assert.equal(lowers.length, baseLayers + DEPTH + 1, 'image layers and the init layer');
    const plan = planMount(
      basename(dirname(graph.Data.UpperDir)),
      lowers.map(() => `l/${'X'.repeat(26)}`),
      { indexOff: true, plainUpper: true },
    );
    assert.equal(plan.stacks.length, 1, `${lowers.length} lower layers need a stacked mount`);
    assert.deepEqual(await api.changes(id), [
      { Path: '/chain', Kind: 0 },
      { Path: `/chain/f-${DEPTH}`, Kind: 2 },
      { Path: '/chain/latest', Kind: 0 },
      { Path: '/chain/new', Kind: 1 },
    ]);
    await api.removeContainer(id);

    // history: newest first, one entry per commit with its command and comment, then the base's.
    const history = await api.history(image);
    assert.equal(history.length, (await api.history(BASE_IMAGE)).length + DEPTH);
    for (let step = DEPTH; step >= 1; step--) {
      const entry = history[DEPTH - step]!;
      assert.equal(entry.CreatedBy, `sh -c ${stepScript(step)}`, `history entry of step ${step}`);
      assert.equal(entry.Comment, `step ${step}`);
      assert.ok((entry.Size as number) > 0, `step ${step}'s layer has a size`);
    }
    assert.equal(history[0]!.Id, image);
  });

  it('refuses a chain deeper than a stacked overlay mount can hold, saying why', async () => {
    // 300 one-file layers: past the ~270 that one stack under one mount can hold.
    const layers: TarEntry[][] = [busyboxRootfs()];
    for (let i = 1; i < 300; i++) layers.push([{ type: 'file', name: `layer-${i}`, content: `${i}\n` }]);
    const deep = await buildImage({ layers, config: { Cmd: ['true'], Env: ['PATH=/bin'] } }, blobs);
    await deep.writeDockerArchive(join(work, 'deep.tar'), { repoTags: ['chain/deep:latest'] });
    await api.loadImage(join(work, 'deep.tar'));
    let refused: EngineApiError | undefined;
    let container: string | undefined;
    try {
      container = await api.createContainer('chain/deep:latest');
      await api.start(container);
    } catch (err) {
      if (!(err instanceof EngineApiError)) throw err;
      refused = err;
    }
    if (container !== undefined) await api.removeContainer(container);
    assert.ok(refused !== undefined, 'a 300-layer image does not start');
    assert.equal(refused.status, 400, refused.message);
    assert.match(
      refused.reason,
      /cannot mount a chain of \d+ lower layers in one overlay mount \(at most \d+ fit here\).*Flatten the image/,
    );
  });
});
