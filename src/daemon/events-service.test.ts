import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventMessage } from '../api/types/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { matchesEventFilters } from './event-filters.js';
import { EventsService } from './events-service.js';

function filters(entries: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(entries));
}

function event(partial: Partial<EventMessage> & Pick<EventMessage, 'Type' | 'Action'>): EventMessage {
  return { Actor: { ID: 'abc123', Attributes: {} }, scope: 'local', time: 1, timeNano: 1e9, ...partial };
}

describe('event filters', () => {
  const start = event({
    Type: 'container',
    Action: 'start',
    Actor: { ID: 'abc123def', Attributes: { name: 'web', image: 'busybox:latest', tier: 'front' } },
  });
  const exec = event({
    Type: 'container',
    Action: 'exec_start: sh -c true',
    Actor: { ID: 'abc123def', Attributes: {} },
  });
  const pull = event({
    Type: 'image',
    Action: 'pull',
    Actor: { ID: 'busybox:latest', Attributes: { name: 'busybox' } },
  });
  const reload = event({
    Type: 'daemon',
    Action: 'reload',
    Actor: { ID: 'd-id', Attributes: { name: 'host1' } },
  });

  const cases: [string, Record<string, string[]>, EventMessage, boolean][] = [
    ['no filters', {}, start, true],
    ['type matches', { type: ['container'] }, start, true],
    ['type differs', { type: ['image'] }, start, false],
    ['type alternatives', { type: ['image', 'container'] }, start, true],
    ['event', { event: ['start'] }, start, true],
    ['action alias', { action: ['stop'] }, start, false],
    ['exec_start prefix', { event: ['exec_start'] }, exec, true],
    ['container by id prefix', { container: ['abc'] }, start, true],
    ['container by name', { container: ['web'] }, start, true],
    ['container other', { container: ['db'] }, start, false],
    ['container filter excludes image events', { container: ['busybox'] }, pull, false],
    ['image on container event', { image: ['busybox'] }, start, true],
    ['image on image event', { image: ['busybox'] }, pull, true],
    ['label key', { label: ['tier'] }, start, true],
    ['label key=value', { label: ['tier=front'] }, start, true],
    ['label wrong value', { label: ['tier=back'] }, start, false],
    ['daemon by name', { daemon: ['host1'] }, reload, true],
    ['scope', { scope: ['local'] }, start, true],
    ['keys are ANDed', { type: ['container'], event: ['stop'] }, start, false],
  ];
  for (const [name, f, e, expected] of cases) {
    it(name, () => assert.equal(matchesEventFilters(e, filters(f)), expected));
  }
});

describe('events service', () => {
  it('rejects an unknown filter key', () => {
    const service = new EventsService();
    assert.throws(
      () => service.subscribe({ filters: filters({ xyz: ['1'] }) }),
      (err: Error) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.equal(err.message, "invalid filter 'xyz'");
        return true;
      },
    );
  });

  it('delivers matching live events and replays the backlog since a time', () => {
    const service = new EventsService();
    const first = service.publish({ type: 'daemon', action: 'reload', actorId: 'd' });
    service.publish({ type: 'image', action: 'pull', actorId: 'busybox:latest' });
    const replay = service.subscribe({ sinceNano: first.timeNano, filters: filters({ type: ['daemon'] }) });
    assert.deepEqual(
      replay.backlog.map((e) => e.Action),
      ['reload'],
    );
    const live = service.subscribe({ filters: filters({ type: ['image'] }) });
    assert.deepEqual(live.backlog, []);
    const seen: string[] = [];
    live.onEvent((e) => seen.push(e.Action));
    service.publish({ type: 'image', action: 'tag', actorId: 'busybox:latest' });
    service.publish({ type: 'daemon', action: 'reload', actorId: 'd' });
    assert.deepEqual(seen, ['tag']);
    assert.equal(service.listenerCount, 2);
    live.close();
    replay.close();
    assert.equal(service.listenerCount, 0);
  });

  it('keeps only the last N events, strictly increasing in time', () => {
    const service = new EventsService(3);
    for (let i = 0; i < 5; i++) service.publish({ type: 'daemon', action: `a${i}`, actorId: 'd' });
    const sub = service.subscribe({ sinceNano: 0, filters: new Map() });
    assert.deepEqual(
      sub.backlog.map((e) => e.Action),
      ['a2', 'a3', 'a4'],
    );
    assert.ok(sub.backlog[0]!.timeNano < sub.backlog[1]!.timeNano);
    sub.close();
  });

  it('keeps timeNano strictly increasing for events published in one burst', () => {
    const service = new EventsService(1000);
    const times = Array.from(
      { length: 1000 },
      () => service.publish({ type: 'daemon', action: 'x', actorId: 'd' }).timeNano,
    );
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1]! < times[i]!, `event ${i}`);
  });

  it('fills in the legacy status/id/from fields for container events', () => {
    const service = new EventsService();
    const e = service.publish({
      type: 'container',
      action: 'die',
      actorId: 'c1',
      attributes: { image: 'busybox' },
    });
    assert.equal(e.status, 'die');
    assert.equal(e.id, 'c1');
    assert.equal(e.from, 'busybox');
  });
});
