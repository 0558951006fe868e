import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorKindOf } from '../../errors/index.js';
import { parsePsOutput, topProcesses, validatePsArgs } from './top-processes.js';

describe('topProcesses', () => {
  it('runs the host ps and keeps only the given pids', async () => {
    const top = await topProcesses([process.pid], '');
    assert.deepEqual(top.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.equal(top.Processes?.length, 1);
    assert.equal(top.Processes?.[0]?.[1], String(process.pid));
    // The command keeps its spaces in the last column.
    assert.match(top.Processes?.[0]?.[7] ?? '', /node/);
  });

  it('takes ps options (aux) and answers null Processes when no pid matches', async () => {
    const top = await topProcesses([process.pid], 'aux');
    assert.equal(top.Titles[1], 'PID');
    assert.equal(top.Processes?.[0]?.[1], String(process.pid));
    const none = await topProcesses([2 ** 22 + 1], '-ef');
    assert.equal(none.Processes, null);
  });

  it('reports a ps failure with its first stderr line as a system error', async () => {
    await assert.rejects(topProcesses([process.pid], '--no-such-option'), (err: unknown) => {
      assert.equal(errorKindOf(err), 'system');
      assert.match((err as Error).message, /^ps: \S/);
      return true;
    });
  });

  it('refuses renaming the PID column, as dockerd', () => {
    assert.throws(() => validatePsArgs('-o pid,comm x=PID'), /specifying "x=PID" is not allowed/);
    assert.doesNotThrow(() => validatePsArgs('-o pid=PID'));
    assert.throws(
      () => validatePsArgs('-o user=PID'),
      (err: unknown) => errorKindOf(err) === 'invalid-argument',
    );
  });

  it('parses thread rows after a kept process and refuses output without PID', () => {
    const out = [
      'UID   PID  TID CMD',
      'root  10   -   sh -c sleep 1',
      'root  -    10  -',
      'root  11   -   other',
      'root  -    11  -',
      '',
    ].join('\n');
    assert.deepEqual(parsePsOutput(out, [10]), {
      Titles: ['UID', 'PID', 'TID', 'CMD'],
      Processes: [
        ['root', '10', '-', 'sh -c sleep 1'],
        ['root', '-', '10', '-'],
      ],
    });
    assert.throws(() => parsePsOutput('UID CMD\nroot x\n', [1]), /Couldn't find PID field in ps output/);
    assert.throws(() => parsePsOutput('PID CMD\nabc x\n', [1]), /Unexpected pid 'abc'/);
  });
});
