import { describe, expect, it } from 'vitest';
import { InvalidConfigError, InvalidEventError } from '../../src/core/errors.js';
import { decodeRecords } from '../../src/formats/decode-records.js';
import { FORMATS, FORMAT_CHOICES, detectFormat, resolveFormatChoice, sniffFormat } from '../../src/formats/format-registry.js';
import { FormatName, type LogFormat } from '../../src/formats/log-format.js';

const native = { id: 'e1', time: '2026-03-02T09:00:00Z', agentId: 'agent-1', category: 'api_call', action: 'x' };
const cloudTrail = {
  eventVersion: '1.08',
  eventTime: '2026-03-02T09:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'GetCallerIdentity',
  eventID: 'c1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/u' },
};
const k8s = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: 'k1',
  stage: 'ResponseComplete',
  verb: 'get',
  user: { username: 'system:serviceaccount:a:b' },
  requestReceivedTimestamp: '2026-03-02T09:00:00Z',
};

describe('format registry', () => {
  it('lists every format once, native first, and `auto` as a choice', () => {
    expect(FORMATS.map((f) => f.name).sort()).toEqual(Object.values(FormatName).sort());
    expect(FORMATS[0]?.name).toBe('native');
    expect(FORMAT_CHOICES).toContain('auto');
  });

  it('recognises each format by its shape, envelopes included; anything else is unknown', () => {
    expect(detectFormat(native)?.name).toBe('native');
    expect(detectFormat(cloudTrail)?.name).toBe('cloudtrail');
    expect(detectFormat({ Records: [cloudTrail] })?.name).toBe('cloudtrail');
    expect(detectFormat({ 'detail-type': 'AWS API Call via CloudTrail', detail: cloudTrail })?.name).toBe('cloudtrail');
    expect(detectFormat(k8s)?.name).toBe('k8s-audit');
    expect(detectFormat({ records: [{ category: 'ServicePrincipalSignInLogs', properties: {} }] })?.name).toBe('entra');
    expect(detectFormat({ class_uid: 6003, metadata: { version: '1.1.0' } })?.name).toBe('ocsf');
    expect(detectFormat({ resourceSpans: [] })?.name).toBe('otel');
    for (const other of [{ hello: 'world' }, null, 42, 'text', { kind: 0 }]) expect(detectFormat(other)).toBeUndefined();
  });

  it('sniffs a file from the format most of its first records have', () => {
    expect(sniffFormat([k8s, k8s, { junk: 1 }, cloudTrail])?.name).toBe('k8s-audit');
    expect(sniffFormat([{ junk: 1 }])).toBeUndefined();
    expect(sniffFormat([])).toBeUndefined();
  });

  it('--format names a format or auto; an unknown name is a config error listing the choices', () => {
    expect(resolveFormatChoice('auto')).toBeUndefined();
    expect(resolveFormatChoice(undefined)).toBeUndefined();
    expect(resolveFormatChoice('k8s-audit')?.name).toBe('k8s-audit');
    expect(() => resolveFormatChoice('syslog')).toThrow(InvalidConfigError);
    expect(() => resolveFormatChoice('syslog')).toThrow(/unknown log format "syslog" \(expected one of: auto, native, cloudtrail/);
  });
});

describe('decodeRecords', () => {
  it('validates adapter output with the native schema, reads arrays element by element', () => {
    const outs = [...decodeRecords([native, cloudTrail, k8s, { hello: 1 }])];
    expect(outs.map((o) => (o instanceof InvalidEventError ? o.reason : o.constructor.name === 'SkippedRecord' ? 'skip' : (o as { id: string }).id))).toEqual([
      'e1',
      'c1',
      'k1',
      'unknown_format',
    ]);
    expect((outs[3] as InvalidEventError).message).toBe('no known log format recognises this record (an object with keys hello)');
  });

  it('a record that means to be native is judged by the native schema, with the field at fault', () => {
    const [out] = [...decodeRecords({ ...native, agentId: undefined })];
    expect(out).toMatchObject({ reason: 'schema', message: 'event: missing required field "agentId"' });
  });

  it('an adapter that throws, or maps to an invalid event, yields a reject in place of the record', () => {
    const broken: LogFormat = {
      name: 'ocsf',
      description: 'test',
      detect: () => true,
      toEvents: () => {
        throw new TypeError('boom');
      },
    };
    expect([...decodeRecords({}, broken)]).toEqual([expect.objectContaining({ reason: 'unmapped', message: 'ocsf adapter failed on this record: boom' })]);
    const invalid: LogFormat = {
      name: 'entra',
      description: 'test',
      detect: () => true,
      *toEvents() {
        yield { ...native, category: 'resource_access' } as never;
      },
    };
    expect([...decodeRecords({}, invalid)]).toEqual([
      expect.objectContaining({ reason: 'schema', message: 'entra record mapped to an invalid event: event: missing required field "resource"' }),
    ]);
  });
});
