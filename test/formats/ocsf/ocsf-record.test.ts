import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { RawAuditEvent } from '../../../src/core/events/audit-event-schema.js';
import { toAuditEvent } from '../../../src/core/events/decode-audit-event.js';
import { isOcsfValue, mapOcsfEvent, ocsfRecords } from '../../../src/formats/ocsf/ocsf-record.js';

const rows = readFileSync(new URL('fixtures/api-and-auth.ocsf.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as unknown);
const T = Date.parse('2026-03-02T09:00:00Z');

function attempt(row: unknown): RawAuditEvent | string {
  try {
    return mapOcsfEvent(row);
  } catch (e) {
    if (!(e instanceof InvalidEventError)) throw e;
    return e.message;
  }
}
const out = rows.map(attempt);
const ev = (i: number) => out[i] as RawAuditEvent;

describe('OCSF API Activity (6003)', () => {
  it('maps a Security Lake CloudTrail read: the assumed role as agent, service:operation, the resource uid', () => {
    expect(ev(0)).toEqual({
      id: '7f1c9a55-0000-4000-8000-000000000001',
      time: T + 1000,
      agentId: 'arn:aws:iam::123456789012:role/report-builder',
      tenant: '123456789012',
      category: 'resource_access',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-reports/2026/03/q1.pdf',
      outcome: 'success',
      source: { ip: '203.0.113.10', region: 'us-east-1', country: 'US', city: 'Ashburn', lat: 39.04, lon: -77.49 },
      attributes: {
        ocsfClass: 6003,
        actorType: 'role',
        activity: 'Read',
        userName: 'report-builder',
        sessionUid: 'i-0abc123',
        credentialUid: 'ASIAEXAMPLEKEY',
        resourceType: 'AWS::S3::Object',
        userAgent: 'aws-sdk-go-v2/1.30.0',
        provider: 'AWS',
        product: 'CloudTrail',
      },
    });
  });

  it('a failure the API calls AccessDenied is denied; a call with no resource is an api_call by the user', () => {
    expect(ev(1)).toMatchObject({
      action: 'secretsmanager:GetSecretValue',
      resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-AbCdEf',
      outcome: 'denied',
      attributes: { error: 'AccessDenied' },
    });
    expect(ev(2)).toMatchObject({
      agentId: 'AIDAEXAMPLEUSER',
      category: 'api_call',
      action: 's3:ListBuckets',
      outcome: 'success',
      source: { ip: '198.51.100.7', region: 'eu-west-1' },
      attributes: { actorType: 'IAMUser', userName: 'ci-deployer' },
    });
    expect(ev(2).resource).toBeUndefined();
  });

  it('an app actor with no user, no service name and no metadata.uid: app uid as agent, a stable digest as id', () => {
    expect(ev(3)).toMatchObject({
      agentId: 'app-7731',
      category: 'api_call',
      action: 'tickets.create',
      attributes: { actorType: 'app', product: 'Acme SaaS' },
    });
    expect(ev(3).id).toMatch(/^ocsf-[0-9a-f]{32}$/);
    expect(attempt(structuredClone(rows[3]))).toMatchObject({ id: ev(3).id });
  });

  it('an assumed-role session ARN without session.issuer still maps to its role', () => {
    const row = {
      class_uid: 6003,
      time: T,
      metadata: { uid: 'x' },
      actor: { user: { type: 'AssumedRole', uid: 'AROA:sess', uuid: 'arn:aws:sts::123456789012:assumed-role/etl-runner/sess-1' } },
      api: { operation: 'PutObject', service: { name: 's3.amazonaws.com' } },
    };
    expect(attempt(row)).toMatchObject({ agentId: 'arn:aws:iam::123456789012:role/etl-runner', action: 's3:PutObject' });
  });
});

describe('OCSF API Activity: AWS IAM/STS grants', () => {
  const grant = (operation: string, service: string, data: unknown) => ({
    class_uid: 6003,
    time: T,
    metadata: { uid: `g-${operation}` },
    actor: { user: { type: 'AssumedRole', uid: 'AROA:i-1' }, session: { issuer: 'arn:aws:iam::123456789012:role/ci-runner' } },
    api: { operation, service: { name: service }, request: { data } },
    resources: [{ uid: 'arn:aws:iam::123456789012:role/ci-runner', type: 'AWS::IAM::Role' }],
    cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '123456789012' } },
    status_id: 1,
  });

  it('names the granted policy or role as the permission, like the CloudTrail adapter, from api.request.data as object or text', () => {
    expect(
      attempt(grant('AttachRolePolicy', 'iam.amazonaws.com', { roleName: 'ci-runner', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
    ).toMatchObject({
      category: 'permission_request',
      action: 'iam:AttachRolePolicy',
      permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
      resource: 'arn:aws:iam::123456789012:role/ci-runner',
    });
    expect(
      attempt(grant('AssumeRole', 'sts.amazonaws.com', JSON.stringify({ roleArn: 'arn:aws:iam::123456789012:role/admin', roleSessionName: 's' }))),
    ).toMatchObject({ category: 'permission_request', permission: 'arn:aws:iam::123456789012:role/admin' });
    expect(attempt(grant('CreateAccessKey', 'iam.amazonaws.com', undefined))).toMatchObject({
      category: 'permission_request',
      permission: 'iam:CreateAccessKey',
    });
    expect(attempt(grant('GetRole', 'iam.amazonaws.com', { roleName: 'x' }))).toMatchObject({ category: 'resource_access', action: 'iam:GetRole' });
  });
});

describe('OCSF Authentication (3002)', () => {
  it('maps a service-account logon to the service it authenticated to', () => {
    expect(ev(4)).toEqual({
      id: 'auth-0001',
      time: T + 5000,
      agentId: '00u1svcbackup',
      category: 'resource_access',
      action: 'authenticate:logon',
      resource: 'vault.internal.example',
      outcome: 'success',
      source: { ip: '192.0.2.44', country: 'GB', city: 'London', lat: 51.5, lon: -0.12 },
      attributes: { ocsfClass: 3002, userName: 'svc-backup', userType: 'System', authProtocol: 'OAUTH 2.0', isMfa: false, product: 'Okta' },
    });
  });

  it('a locked-out logon is denied; time_dt is read when time is absent; dst_endpoint names the target', () => {
    expect(ev(5)).toMatchObject({ time: T + 6000, resource: 'db01.internal.example', outcome: 'denied', attributes: { statusDetail: 'Account locked out' } });
  });
});

describe('OCSF detection and rejects', () => {
  it('claims OCSF events (and arrays of them), rejects other classes and unreadable events with a reason', () => {
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(isOcsfValue(row)).toBe(true);
    expect(isOcsfValue(rows)).toBe(true);
    expect(ocsfRecords(rows)).toHaveLength(8);
    expect(isOcsfValue({ id: 'e', time: 1, agentId: 'a', category: 'api_call', action: 'x' })).toBe(false);
    expect(isOcsfValue({ class_uid: 'abc', metadata: {} })).toBe(false);
    expect(out[6]).toBe('OCSF class 4001 is not read (supported: API Activity 6003, Authentication 3002)');
    expect(out[7]).toBe('OCSF API Activity: actor names no user or app');
    expect(attempt({ class_uid: 3002, metadata: {}, user: { name: 'u' }, time: 'later' })).toBe(
      'OCSF Authentication: no valid time (epoch milliseconds) or time_dt',
    );
  });

  it('produces events the native schema accepts', () => {
    const events = out.filter((e): e is RawAuditEvent => typeof e !== 'string');
    // Six of the eight rows map; the other two are the rejects checked above.
    expect(events).toHaveLength(6);
    for (const e of events) expect(() => toAuditEvent(structuredClone(e))).not.toThrow();
  });
});

describe('the ocsf LogFormat', () => {
  it('maps one event or an array of them, errors in place', async () => {
    const { ocsfFormat } = await import('../../../src/formats/ocsf/ocsf-format.js');
    expect(ocsfFormat.detect(rows[0])).toBe(true);
    expect([...ocsfFormat.toEvents(rows[4])].map((e) => (e as RawAuditEvent).id)).toEqual(['auth-0001']);
    const all = [...ocsfFormat.toEvents(rows)];
    expect(all.map((e) => e instanceof InvalidEventError)).toEqual([false, false, false, false, false, false, true, true]);
  });
});
