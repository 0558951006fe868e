import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostToolError, runTool, tryTool } from './host-tools.js';

describe('runTool', () => {
  it('returns stdout and passes stdin', async () => {
    assert.equal((await runTool('cat', [], { input: 'hello\n' })).stdout, 'hello\n');
  });

  it("fails with the command and the tool's stderr", async () => {
    await assert.rejects(runTool('ip', ['link', 'show', 'dev', 'ltst-none']), (err) => {
      assert.ok(err instanceof HostToolError);
      assert.equal(err.exitCode, 1);
      assert.match(
        err.message,
        /^ip link show dev ltst-none: exit status 1: Device "ltst-none" does not exist\.$/,
      );
      return true;
    });
  });

  it('names a missing tool', async () => {
    await assert.rejects(runTool('ltst-no-such-tool', []), /ltst-no-such-tool is not installed/);
  });

  it('reports a non-zero exit as a result in tryTool', async () => {
    const result = await tryTool('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual(result, { code: 3, stdout: 'out\n', stderr: 'err' });
  });

  it('runs inside a network namespace file', async () => {
    // The caller's own namespace, by path: the tool sees the same links as we do.
    const inside = await runTool('ip', ['-o', 'link', 'show', 'lo'], {
      netns: `/proc/${process.pid}/ns/net`,
    });
    assert.match(inside.stdout, /: lo:/);
  });
});
