import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZERO_TIME } from './container-record.js';
import {
  inspectState,
  setDead,
  setPaused,
  setRemovalInProgress,
  setRestarting,
  setRunning,
  setStopped,
  stateStatus,
  statusString,
} from './container-state.js';
import { formatGoTime, goTimeUnixSeconds, isZeroTime, nowGoTime, parseGoTime } from './go-time.js';
import { humanDuration } from './human-duration.js';
import { testId, testRecord } from './record.testfixture.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const ago = (ms: number): string => formatGoTime(BigInt(NOW - ms) * 1_000_000n + 123n);

describe('humanDuration (go-units table)', () => {
  const table: [number, string][] = [
    [-5000, 'Less than a second'],
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1000, '1 second'],
    [1999, '1 second'],
    [2000, '2 seconds'],
    [59_999, '59 seconds'],
    [60_000, 'About a minute'],
    [119_999, 'About a minute'],
    [120_000, '2 minutes'],
    [59 * 60_000, '59 minutes'],
    [60 * 60_000, 'About an hour'],
    [89 * 60_000, 'About an hour'],
    [90 * 60_000, '2 hours'],
    [47 * 3_600_000, '47 hours'],
    [48 * 3_600_000, '2 days'],
    [13 * 24 * 3_600_000, '13 days'],
    [14 * 24 * 3_600_000, '2 weeks'],
    [59 * 24 * 3_600_000, '8 weeks'],
    [60 * 24 * 3_600_000, '2 months'],
    [729 * 24 * 3_600_000, '24 months'],
    [730 * 24 * 3_600_000, '2 years'],
  ];
  for (const [ms, text] of table) it(`${ms} ms → ${text}`, () => assert.equal(humanDuration(ms), text));
});

describe('Go times', () => {
  it('parse and format RFC 3339 nano as Go does', () => {
    assert.equal(
      formatGoTime(parseGoTime('2026-11-29T16:50:01.123456789Z') as bigint),
      '2026-11-29T16:50:01.123456789Z',
    );
    assert.equal(formatGoTime(parseGoTime('2026-11-29T16:50:01.120Z') as bigint), '2026-11-29T16:50:01.12Z');
    assert.equal(formatGoTime(parseGoTime('2026-11-29T18:50:01+02:00') as bigint), '2026-11-29T16:50:01Z');
    assert.equal(formatGoTime(parseGoTime(ZERO_TIME) as bigint), ZERO_TIME);
    assert.ok(isZeroTime(ZERO_TIME) && !isZeroTime('2026-01-01T00:00:00Z'));
    assert.equal(goTimeUnixSeconds('1970-01-01T00:00:10.9Z'), 10);
    assert.match(nowGoTime(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });
});

describe('container state', () => {
  it('a new container is created and shows "Created"', () => {
    const r = testRecord(testId('a1'), '/web', ago(0));
    assert.equal(stateStatus(r.State), 'created');
    assert.equal(statusString(r, NOW), 'Created');
    assert.deepEqual(inspectState(r), {
      Status: 'created',
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: ZERO_TIME,
      FinishedAt: ZERO_TIME,
    });
    assert.deepEqual(Object.keys(inspectState(r)), [
      'Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt',
    ]); // prettier-ignore
  });

  const cases: [string, (r: ReturnType<typeof testRecord>) => void, string, string][] = [
    ['just started', (r) => setRunning(r, 42, ago(300)), 'running', 'Up Less than a second'],
    ['up 2 minutes', (r) => setRunning(r, 42, ago(150_000)), 'running', 'Up 2 minutes'],
    ['up an hour', (r) => setRunning(r, 42, ago(3_700_000)), 'running', 'Up About an hour'],
    [
      'paused',
      (r) => {
        setRunning(r, 42, ago(5 * 60_000));
        setPaused(r);
      },
      'paused',
      'Up 5 minutes (Paused)',
    ],
    [
      'restarting',
      (r) => {
        setRunning(r, 42, ago(60_000));
        setRestarting(r, { code: 1, finishedAt: ago(2000) });
      },
      'restarting',
      'Restarting (1) 2 seconds ago',
    ],
    [
      'exited',
      (r) => {
        setRunning(r, 42, ago(60_000));
        setStopped(r, { code: 0, finishedAt: ago(3000) });
      },
      'exited',
      'Exited (0) 3 seconds ago',
    ],
    [
      'exited 137 long ago',
      (r) => {
        setRunning(r, 42, ago(10 * 86_400_000));
        setStopped(r, { code: 137, oomKilled: true, finishedAt: ago(3 * 86_400_000) });
      },
      'exited',
      'Exited (137) 3 days ago',
    ],
    ['removing', (r) => setRemovalInProgress(r), 'removing', 'Removal In Progress'],
    [
      'dead',
      (r) => {
        setRunning(r, 42, ago(60_000));
        setStopped(r, { code: 0, finishedAt: ago(1000) });
        setDead(r);
      },
      'dead',
      'Dead',
    ],
    [
      'running wins over removal',
      (r) => {
        setRunning(r, 42, ago(2000));
        setRemovalInProgress(r);
      },
      'running',
      'Up 2 seconds',
    ],
  ];
  for (const [label, change, status, text] of cases) {
    it(`${label}: ${status}, "${text}"`, () => {
      const r = testRecord(testId('a1'), '/web', ago(20 * 86_400_000));
      change(r);
      assert.equal(stateStatus(r.State), status);
      assert.equal(inspectState(r).Status, status);
      assert.equal(statusString(r, NOW), text);
    });
  }

  it('transitions keep Docker’s field rules', () => {
    const r = testRecord(testId('a1'), '/web', ago(0));
    setStopped(r, {
      code: 127,
      error: 'exec: "nope": executable file not found in $PATH',
      finishedAt: ago(0),
    });
    assert.equal(r.State.Error, 'exec: "nope": executable file not found in $PATH');
    setRunning(r, 7, ago(0));
    assert.deepEqual([r.State.Running, r.State.Pid, r.State.ExitCode, r.State.Error], [true, 7, 0, '']);
    assert.equal(r.HasBeenStartedBefore, true);
    setStopped(r, { code: 137, oomKilled: true });
    assert.deepEqual(
      [r.State.Running, r.State.Pid, r.State.ExitCode, r.State.OOMKilled],
      [false, 0, 137, true],
    );
    assert.ok(!isZeroTime(r.State.FinishedAt));
    assert.equal(setRemovalInProgress(r), false);
    assert.equal(setRemovalInProgress(r), true, 'a second removal sees the first');
    setRemovalInProgress(r, false);
    assert.equal(r.State.RemovalInProgress, false);
  });
});
