import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { decodeAuditEvent } from '../../../src/core/events/decode-audit-event.js';

const valid = { id: 'e1', time: '2026-03-02T10:00:00.250Z', agentId: 'spn:bot', category: 'api_call', action: 'graph.users.read' };
const reject = (value: unknown, maxBytes?: number) => {
  try {
    decodeAuditEvent(typeof value === 'string' ? value : JSON.stringify(value), maxBytes);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidEventError);
    const e = err as InvalidEventError;
    return { reason: e.reason, message: e.message, code: e.code };
  }
  throw new Error('expected a rejection');
};

describe('decodeAuditEvent', () => {
  it('accepts the native format, RFC 3339 or epoch ms, defaulting outcome to success', () => {
    expect(decodeAuditEvent(JSON.stringify(valid))).toMatchObject({ id: 'e1', timeMs: Date.UTC(2026, 2, 2, 10, 0, 0, 250), outcome: 'success' });
    expect(decodeAuditEvent(JSON.stringify({ ...valid, time: 1772445600000 })).timeMs).toBe(1772445600000);
    expect(decodeAuditEvent(JSON.stringify({ ...valid, time: '2026-03-02T11:00:00+01:00' })).timeMs).toBe(Date.UTC(2026, 2, 2, 10));
    const full = {
      ...valid,
      category: 'resource_access',
      resource: 'kv://x',
      outcome: 'denied',
      source: { ip: '10.0.0.1', region: 'westeurope' },
      attributes: { model: 'gpt', n: 1 },
      extra: 'ignored',
    };
    expect(decodeAuditEvent(JSON.stringify(full))).toMatchObject({ resource: 'kv://x', outcome: 'denied', source: { region: 'westeurope' } });
  });

  it('rejects with a reason and a message that names the field', () => {
    expect(reject('{"id": "x",')).toMatchObject({ reason: 'not_json', code: 'AW_INVALID_EVENT' });
    expect(reject({ ...valid, agentId: undefined })).toMatchObject({ reason: 'schema', message: 'event: missing required field "agentId"' });
    expect(reject({ ...valid, time: 'yesterday' }).message).toMatch(/^\/time: must be an RFC 3339/);
    expect(reject({ ...valid, time: '2026-02-30T10:00:00Z' })).toMatchObject({ reason: 'bad_time' });
    expect(reject({ ...valid, category: 'login' }).message).toMatch(/^\/category/);
    expect(reject({ ...valid, category: 'resource_access' }).message).toBe('event: missing required field "resource"');
    expect(reject({ ...valid, category: 'permission_request' }).message).toBe('event: missing required field "permission"');
    expect(reject({ ...valid, outcome: 'maybe' }).message).toMatch(/^\/outcome/);
    expect(reject([1, 2])).toMatchObject({ reason: 'schema' });
  });

  it('enforces field size limits and the event size limit', () => {
    expect(reject({ ...valid, agentId: 'a'.repeat(257) }).message).toMatch(/^\/agentId: must NOT have more than 256 characters/);
    expect(reject({ ...valid, action: 'a'.repeat(513) }).message).toMatch(/^\/action/);
    expect(reject({ ...valid, category: 'resource_access', resource: 'r'.repeat(2049) }).message).toMatch(/^\/resource/);
    expect(reject({ ...valid, id: '' }).message).toMatch(/^\/id/);
    expect(reject({ ...valid, attributes: { nested: { no: 1 } } }).message).toMatch(/^\/attributes\/nested/);
    expect(reject({ ...valid, pad: 'x'.repeat(2000) }, 1000)).toMatchObject({ reason: 'too_large' });
  });
});

describe('hostile values (issue 13)', () => {
  const line = (extra: string) => `{"id":"e1","time":"2026-03-02T10:00:00Z","agentId":"a","category":"api_call","action":"x"${extra}}`;

  it('rejects numbers that overflow to Infinity, in attributes and in source coordinates', () => {
    expect(reject(line(',"attributes":{"n":1e999}'))).toMatchObject({
      reason: 'schema',
      message: '/attributes/n: must be a finite number (a literal like 1e999 overflows to Infinity)',
    });
    expect(reject(line(',"attributes":{"n":-1e999}'))).toMatchObject({ reason: 'schema' });
    expect(reject(line(',"source":{"lat":1e999}')).message).toMatch(/^\/source\/lat: must be a finite number/);
    expect(reject(line(',"source":{"lon":-1e400}')).message).toMatch(/^\/source\/lon: must be a finite number/);
    expect(decodeAuditEvent(line(',"attributes":{"n":1.5e300}')).attributes).toEqual({ n: 1.5e300 });
  });

  it('measures maxBytes in UTF-8 bytes, not characters', () => {
    const pad = 'é'.repeat(400); // 400 characters, 800 bytes
    expect(reject(line(`,"pad":"${pad}"`), 600)).toMatchObject({ reason: 'too_large' });
    expect(reject(line(`,"pad":"${pad}"`), 600).message).toMatch(/^event is \d+ bytes, over the 600 limit/);
    expect(decodeAuditEvent(line(`,"pad":"${pad}"`), 1000).id).toBe('e1');
  });

  it('rejects the placeholder of a line the reader skipped as too_large', () => {
    expect(reject('\n(line of 123456789 bytes, skipped unread)')).toMatchObject({
      reason: 'too_large',
      message: 'line is 123456789 bytes, over the 65536 limit (input.maxEventBytes); skipped unread',
    });
    // Leading whitespace is still just JSON.
    expect(decodeAuditEvent(`\n${line('')}`).id).toBe('e1');
  });
});

describe('RFC 3339 times', () => {
  it('agrees with Date.parse on every form the schema accepts', () => {
    const samples = [
      '1970-01-01T00:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '2026-03-08T07:00:00.5Z',
      '2026-12-31T12:34:56.07z',
      '2000-03-01T00:00:00Z',
      '2100-02-28T01:02:03.004Z',
      '2026-03-02T10:00:00.123456Z',
      '2026-03-02 10:00:00+05:30',
      '2026-03-02T10:00:00.250-08:00',
    ];
    for (const time of samples) {
      expect(decodeAuditEvent(JSON.stringify({ ...valid, time })).timeMs, time).toBe(Date.parse(time.replace(' ', 'T')));
    }
  });
});
