import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { cloudTrailFormat } from '../../../src/formats/cloudtrail/cloudtrail-format.js';
import { type DecodedRecord, decodeRecords } from '../../../src/formats/decode-records.js';
import { detectFormat } from '../../../src/formats/format-registry.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';

// Written from the CloudTrail user guide (record contents, userIdentity, S3 delivery and
// EventBridge examples), with made-up accounts and documentation addresses.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const delivery = JSON.parse(readFileSync(join(FIXTURES, 's3-delivery.json'), 'utf8')) as unknown;
const lines = readFileSync(join(FIXTURES, 'eventbridge.jsonl'), 'utf8').split('\n');

const events = (outs: Iterable<DecodedRecord>): AuditEvent[] =>
  [...outs].filter((o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord));
const byId = (list: AuditEvent[], id: string): AuditEvent => {
  const e = list.find((x) => x.id === id);
  if (!e) throw new Error(`no event ${id}`);
  return e;
};

describe('CloudTrail adapter (S3 delivery file)', () => {
  const outs = [...decodeRecords(delivery)];
  const mapped = events(outs);

  it('is recognised as CloudTrail, and yields an event, a skip or a reject per record, in order', () => {
    expect(detectFormat(delivery)?.name).toBe('cloudtrail');
    expect(outs).toHaveLength(9);
    expect(outs.map((o) => (o instanceof SkippedRecord ? 'skip' : o instanceof InvalidEventError ? o.reason : 'event'))).toEqual([
      'event',
      'event',
      'event',
      'event',
      'event',
      'event',
      'skip',
      'event',
      'bad_time',
    ]);
    expect((outs[6] as SkippedRecord).reason).toBe('cloudtrail insight event');
    expect((outs[8] as InvalidEventError).message).toContain('ListUsers ct-0009: no valid eventTime');
  });

  it('an assumed role is its role (the issuer ARN, with its path); the session rides along', () => {
    expect(byId(mapped, 'ct-0001')).toMatchObject({
      time: Date.parse('2026-03-02T09:15:00Z'),
      timeMs: Date.parse('2026-03-02T09:15:00Z'),
      agentId: 'arn:aws:iam::111122223333:role/agents/invoice-agent-role',
      tenant: '111122223333',
      category: 'resource_access',
      action: 'secretsmanager:GetSecretValue',
      resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/invoices/db-password',
      outcome: 'success',
      source: { ip: '203.0.113.10' },
      attributes: {
        'aws.region': 'eu-west-1',
        'aws.identityType': 'AssumedRole',
        'aws.sessionName': 'i-0abc1234def567890',
        'aws.principalArn': 'arn:aws:sts::111122223333:assumed-role/invoice-agent-role/i-0abc1234def567890',
        'aws.accessKeyId': 'ASIAEXAMPLEKEY',
        'aws.readOnly': true,
      },
    });
    // Without sessionContext the role comes from the session ARN (its path is not in it).
    expect(byId(mapped, 'ct-0005')).toMatchObject({
      agentId: 'arn:aws:iam::111122223333:role/invoice-agent-role',
      resource: 'arn:aws:s3:::acme-invoices/2026/03/invoice-42.pdf',
      source: { ip: '2001:db8::10' },
    });
  });

  it('IAM grants are permission requests naming what is granted; the target is the resource', () => {
    expect(byId(mapped, 'ct-0002')).toMatchObject({
      agentId: 'arn:aws:iam::111122223333:user/deploy-bot',
      category: 'permission_request',
      action: 'iam:AttachUserPolicy',
      permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
      resource: 'arn:aws:iam::111122223333:user/backdoor',
    });
    // No eventID: the requestID identifies the call.
    expect(byId(mapped, 'req-0008')).toMatchObject({
      category: 'permission_request',
      permission: 'iam:CreateAccessKey',
      resource: 'arn:aws:iam::111122223333:user/backdoor',
    });
    expect(byId(mapped, 'ct-0004')).toMatchObject({
      agentId: 'ec2.amazonaws.com',
      category: 'permission_request',
      action: 'sts:AssumeRole',
      permission: 'arn:aws:iam::111122223333:role/agents/invoice-agent-role',
      attributes: { 'aws.sourceService': 'ec2.amazonaws.com', 'aws.identityType': 'AWSService' },
    });
    // A service calling on the agent's behalf has no address: no source (awsRegion is the region called).
    expect(byId(mapped, 'ct-0004').source).toBeUndefined();
  });

  it('errorCode: authorization refusals are denied, other errors failures', () => {
    expect(byId(mapped, 'ct-0003')).toMatchObject({
      outcome: 'denied',
      category: 'api_call',
      action: 'ec2:DescribeInstances',
      attributes: { 'aws.errorCode': 'Client.UnauthorizedOperation' },
    });
    expect(byId(mapped, 'ct-0003').resource).toBeUndefined();
    expect(byId(mapped, 'ct-0006')).toMatchObject({
      outcome: 'failure',
      agentId: 'arn:aws:iam::111122223333:role/ci-deployer',
      resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      attributes: { 'aws.sessionName': 'ci-job-7' },
    });
  });
});

describe('CloudTrail adapter (EventBridge events and single records, one per line)', () => {
  const decodeLine = (line: string): DecodedRecord[] => [...decodeRecords(JSON.parse(line) as unknown)];

  it('reads the record inside an EventBridge event', () => {
    const value = JSON.parse(lines[0] as string) as unknown;
    expect(cloudTrailFormat.detect(value)).toBe(true);
    expect(events(decodeLine(lines[0] as string))).toEqual([
      expect.objectContaining({
        id: 'ct-0101',
        agentId: 'arn:aws:iam::111122223333:role/ci-deployer',
        category: 'permission_request',
        permission: 'iam:PutRolePolicy',
        resource: 'arn:aws:iam::111122223333:role/invoice-agent-role',
      }),
    ]);
  });

  it('SSM parameters by name, denied AssumeRole without parameters, records that name nobody rejected', () => {
    expect(events(decodeLine(lines[1] as string))[0]).toMatchObject({
      resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api-key',
      action: 'ssm:GetParameter',
    });
    expect(events(decodeLine(lines[3] as string))[0]).toMatchObject({ outcome: 'denied', category: 'permission_request', permission: 'sts:AssumeRole' });
    const [noIdentity] = decodeLine(lines[4] as string);
    expect(noIdentity).toBeInstanceOf(InvalidEventError);
    expect(noIdentity).toMatchObject({ reason: 'unmapped', message: 'CloudTrail ListRoles ct-0104: userIdentity names no principal' });
  });

  it('lookup-events output carries each record as JSON text', () => {
    const record = JSON.parse(lines[1] as string) as { eventID: string };
    const page = {
      Events: [
        { EventId: record.eventID, EventName: 'GetParameter', CloudTrailEvent: lines[1] },
        { EventId: 'x', CloudTrailEvent: '{broken' },
      ],
    };
    const outs = [...decodeRecords(page)];
    expect(outs[0]).toMatchObject({ id: 'ct-0102' });
    expect(outs[1]).toMatchObject({ reason: 'not_json' });
  });

  it('--format cloudtrail on something else: rejected with the reason, never thrown', () => {
    expect([...decodeRecords({ agentId: 'a' }, cloudTrailFormat)]).toEqual([expect.objectContaining({ reason: 'unmapped' })]);
    expect([...decodeRecords(42, cloudTrailFormat)]).toEqual([expect.objectContaining({ reason: 'unmapped' })]);
  });
});
