import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timestampToRfc3339, ZERO_TIME } from './protobuf-time.js';
import { decodeTaskEvent, taskEventFilter } from './runtime-events.js';

describe('runtime events', () => {
  it('prints Timestamps as Go prints RFC3339Nano times', () => {
    assert.equal(
      timestampToRfc3339({ seconds: '1764433200', nanos: 123456789 }),
      '2025-11-29T16:20:00.123456789Z',
    );
    assert.equal(timestampToRfc3339({ seconds: '1764433200', nanos: 120000000 }), '2025-11-29T16:20:00.12Z');
    assert.equal(timestampToRfc3339({ seconds: '1764433200', nanos: 0 }), '2025-11-29T16:20:00Z');
    assert.equal(timestampToRfc3339({ seconds: '-62135596800', nanos: 0 }), ZERO_TIME);
    assert.equal(timestampToRfc3339(null), ZERO_TIME);
  });

  it("filters this namespace's task topics", () => {
    assert.equal(taskEventFilter('lading'), 'namespace==lading,topic~=|^/tasks/|');
  });

  it("decodes exits of init and exec'd processes, and ignores other topics", () => {
    const exitedAt = { seconds: '1764433200', nanos: 5 };
    assert.deepEqual(
      decodeTaskEvent({
        namespace: 'lading',
        topic: '/tasks/exit',
        event: { containerId: 'c1', id: 'c1', pid: 42, exitStatus: 137, exitedAt },
      }),
      {
        topic: '/tasks/exit',
        containerId: 'c1',
        execId: '',
        pid: 42,
        exitStatus: 137,
        exitedAt: '2025-11-29T16:20:00.000000005Z',
      },
    );
    const execExit = decodeTaskEvent({
      namespace: 'lading',
      topic: '/tasks/exit',
      event: { containerId: 'c1', id: 'e1', pid: '7', exitStatus: 0, exitedAt },
    });
    assert.equal(execExit?.topic === '/tasks/exit' && execExit.execId, 'e1');
    assert.equal(execExit?.topic === '/tasks/exit' && execExit.pid, 7);
    assert.deepEqual(
      decodeTaskEvent({ namespace: 'lading', topic: '/tasks/oom', event: { containerId: 'c1' } }),
      {
        topic: '/tasks/oom',
        containerId: 'c1',
      },
    );
    assert.equal(
      decodeTaskEvent({ namespace: 'lading', topic: '/tasks/exec-added', event: { containerId: 'c1' } }),
      undefined,
    );
    assert.equal(decodeTaskEvent({ namespace: 'lading', topic: '/tasks/exit', event: null }), undefined);
  });
});
