import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../cli-error.js';
import { decodeEvent, formatEventLine, formatEventTime, parseEventsFormat } from './events.js';

const LINE =
  '{"status":"start","id":"c0ffee","from":"busybox","Type":"container","Action":"start",' +
  '"Actor":{"ID":"c0ffee","Attributes":{"name":"web","image":"busybox"}},"scope":"local",' +
  '"time":1796038691,"timeNano":1796038691123456789}';

const utc = (): number => 0;

describe('events', () => {
  it('keeps timeNano exact', () => {
    assert.equal(decodeEvent(LINE).timeNano, 1796038691123456789n);
  });

  it('formats the default line like docker (attributes sorted)', () => {
    assert.equal(
      formatEventLine(decodeEvent(LINE), utc),
      '2026-11-30T11:38:11.123456789Z container start c0ffee (image=busybox, name=web)',
    );
  });

  it('prints the local zone offset', () => {
    assert.equal(formatEventTime(1796038691000000000n, 60), '2026-11-30T12:38:11.000000000+01:00');
    assert.equal(formatEventTime(1796038691000000001n, -330), '2026-11-30T06:08:11.000000001-05:30');
  });

  it('falls back to time and omits empty attributes', () => {
    const ev = decodeEvent(
      '{"Type":"network","Action":"create","Actor":{"ID":"n1","Attributes":{}},"scope":"local","time":1796038691}',
    );
    assert.equal(formatEventLine(ev, utc), '2026-11-30T11:38:11.000000000Z network create n1');
  });

  it('runs --format against Go field names and JSON', () => {
    const ev = decodeEvent(LINE);
    const t = parseEventsFormat('{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Scope}} {{.TimeNano}}');
    assert.equal(t?.execute(ev), 'container start web local 1796038691123456789');
    assert.equal(
      parseEventsFormat('json')?.execute(ev),
      LINE.replace('"name":"web","image":"busybox"', '"image":"busybox","name":"web"'),
    );
  });

  it('rejects a format that cannot work before connecting (exit 64)', () => {
    assert.throws(
      () => parseEventsFormat('{{.Nope}}'),
      (err: unknown) => {
        assert.ok(err instanceof StatusError);
        assert.equal(err.exitCode, 64);
        assert.equal(
          err.message,
          `Error parsing format: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *events.Message`,
        );
        return true;
      },
    );
    assert.throws(() => parseEventsFormat('{{.Type'), {
      message: 'Error parsing format: template: :1: unclosed action',
    });
  });
});
