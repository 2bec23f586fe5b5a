import { describe, expect, it } from 'vitest';
import { isValidAuditEventFast } from '../../../src/core/events/audit-event-fast-check.js';
import { AuditEventSchema, type RawAuditEvent } from '../../../src/core/events/audit-event-schema.js';
import { compileRecordSchema } from '../../../src/core/record-validator.js';

const ajv = compileRecordSchema<RawAuditEvent>(AuditEventSchema);

const s = (n: number) => 'x'.repeat(n);
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

// Per field: values the schema accepts and values it refuses (at and just past every bound).
const FIELD_VALUES: Record<string, unknown[]> = {
  id: [undefined, null, '', 'e1', s(256), s(257), 7],
  time: [
    undefined,
    '2026-03-02T10:00:00Z',
    '2026-03-02t10:00:00.5z',
    '2026-03-02 10:00:00+01:00',
    '2026-03-02T10:00:00.123456789-05:30',
    '2026-03-02T10:00:00.1234567890Z',
    '2026-03-02T10:00Z',
    `2026-03-02T10:00:00.${'1'.repeat(9)}+01:00x`,
    '２０２６-03-02T10:00:00Z',
    0,
    -1,
    1.5,
    8.64e15,
    8.64e15 + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
  ],
  agentId: [undefined, '', 'a', s(256), s(257), {}],
  agentClass: [undefined, '', 'c', s(256), s(257), 3],
  tenant: [undefined, '', s(256), s(257), null],
  category: [undefined, 'api_call', 'resource_access', 'permission_request', 'other', ''],
  action: [undefined, '', 'a', s(512), s(513), []],
  resource: [undefined, '', 'r', s(2048), s(2049), 1],
  permission: [undefined, '', 'p', s(512), s(513), false],
  outcome: [undefined, 'success', 'failure', 'denied', 'ok', null],
  source: [
    undefined,
    null,
    [],
    {},
    { ip: '10.0.0.1', region: 'eu', country: 'DE', city: s(128) },
    { city: s(129) },
    { ip: s(65) },
    { lat: 90, lon: -180 },
    { lat: 90.5 },
    { lon: Number.POSITIVE_INFINITY },
    { session: '' },
    { session: 's', sessionBound: true },
    { sessionBound: 'yes' },
    { other: 1 },
    { ip: undefined },
  ],
  attributes: [
    undefined,
    null,
    [],
    {},
    { a: 'x', b: 1, c: true },
    { a: s(2049) },
    { a: null },
    { a: {} },
    { a: Number.NEGATIVE_INFINITY },
    { 'line\nbreak': {} },
    manyKeys(64),
    manyKeys(65),
  ],
  extra: [undefined, 'anything', { nested: [1] }],
};

/** Deterministic PRNG (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valid = (): Record<string, unknown> => ({ id: 'e1', time: '2026-03-02T10:00:00.250Z', agentId: 'a', category: 'api_call', action: 'x' });

describe('the allocation-free audit event check', () => {
  it('accepts only what the schema accepts, on mutated events of every field and bound', () => {
    const next = rng(16);
    let fastAccepted = 0;
    let ajvAccepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const event = valid();
      // Most cases change one to three fields, so that valid ones stay common.
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) {
        const fields = Object.keys(FIELD_VALUES);
        const field = fields[Math.floor(next() * fields.length)] as string;
        const values = FIELD_VALUES[field] as unknown[];
        const v = values[Math.floor(next() * values.length)];
        if (v === undefined && next() < 0.5) delete event[field];
        else event[field] = v;
      }
      const fast = isValidAuditEventFast(event);
      const schema = ajv(event);
      if (fast && !schema) expect.fail(`fast check accepted what the schema refuses: ${JSON.stringify(event).slice(0, 300)}`);
      if (fast) fastAccepted++;
      if (schema) ajvAccepted++;
    }
    // The fast path must carry the common case, or it saves nothing.
    expect(fastAccepted).toBeGreaterThan(ajvAccepted * 0.9);
  });

  it('accepts the usual native events, with and without their optional parts', () => {
    const events = [
      valid(),
      { ...valid(), time: 1_772_445_600_000, outcome: 'denied', category: 'permission_request', permission: 'iam:PassRole' },
      { ...valid(), category: 'resource_access', resource: 'arn:aws:s3:::b/k', source: { ip: '10.0.0.1', country: 'NL', lat: 52.1, lon: 4.3 } },
      { ...valid(), agentClass: 'c', tenant: '', attributes: { model: 'gpt', tokens: 12, cached: false } },
    ];
    for (const e of events) {
      expect(ajv(e)).toBe(true);
      expect(isValidAuditEventFast(e)).toBe(true);
    }
  });

  it('reads RFC 3339 times exactly as the schema pattern does', () => {
    const times = [
      '2026-03-02T10:00:00Z',
      '2026-03-02t10:00:00z',
      '2026-03-02 10:00:00Z',
      '2026-03-02T10:00:00.1Z',
      '2026-03-02T10:00:00.123456789Z',
      '2026-03-02T10:00:00.1234567890Z',
      '2026-03-02T10:00:00.Z',
      '2026-03-02T10:00:00+01:00',
      '2026-03-02T10:00:00.5-23:59',
      '2026-03-02T10:00:00+0100',
      '2026-03-02T10:00:00+01:00 ',
      '2026-03-02T10:00:00+01:0',
      '2026-03-02T10:00:00ZZ',
      '2026-03-02T10:00:00',
      '2026-03-02x10:00:00Z',
      '2026/03/02T10:00:00Z',
      '2026-03-02T10-00:00Z',
      '2026-03-02T10:00-00Z',
      '202a-03-02T10:00:00Z',
      '2026-03-02T10:00:0aZ',
      '99999-03-02T10:00:00Z',
      '2026-03-02T10:00:00.12a4Z',
      '2026-03-02T10:00:00Z\n',
      '2026-13-45T99:99:99Z',
      '',
    ];
    for (const time of times) expect([time, isValidAuditEventFast({ ...valid(), time })]).toEqual([time, ajv({ ...valid(), time })]);
  });

  it('leaves invalid events to the schema, which names the error', () => {
    for (const e of [null, [], 'x', { ...valid(), time: '2026-13-02' }, { ...valid(), category: 'resource_access' }]) {
      expect(isValidAuditEventFast(e)).toBe(false);
      expect(ajv(e)).toBe(false);
    }
  });
});
