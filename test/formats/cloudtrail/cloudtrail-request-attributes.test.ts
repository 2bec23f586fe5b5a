import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { decodeRecords } from '../../../src/formats/decode-records.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';

// Written from the EC2, RDS and Lambda API references and the CloudTrail sign-in event
// documentation (request parameters as CloudTrail logs them), with made-up ids.
const records = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/exposure.json'), 'utf8')) as unknown;
const mapped = [...decodeRecords(records)].filter((o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord));
const byId = (id: string): AuditEvent => mapped.find((e) => e.id === id) as AuditEvent;
const attr = (id: string, name: string) => byId(id).attributes?.[name];

describe('CloudTrail adapter: the request fields that make a call an exposure', () => {
  it('maps every record', () => {
    expect(mapped).toHaveLength(13);
  });

  it('names who an AMI, EBS snapshot or RDS snapshot is shared with, and nothing for a removal', () => {
    expect(byId('exp-0001')).toMatchObject({ action: 'ec2:ModifyImageAttribute', resource: 'arn:aws:ec2:eu-west-1:111122223333:image/ami-0abcdef1234567890' });
    expect(attr('exp-0001', 'aws.sharedWith')).toBe('all');
    expect(attr('exp-0002', 'aws.sharedWith')).toBe('444455556666');
    expect(attr('exp-0003', 'aws.sharedWith')).toBeUndefined();
    expect(attr('exp-0004', 'aws.sharedWith')).toBe('all');
  });

  it('lists the CIDRs and ports an ingress rule opens', () => {
    expect(byId('exp-0005').attributes).toMatchObject({ 'aws.ingressCidrs': '0.0.0.0/0,::/0', 'aws.ingressPorts': '22' });
    expect(byId('exp-0006').attributes).toMatchObject({ 'aws.ingressCidrs': '198.51.100.0/24', 'aws.ingressPorts': '443' });
  });

  it('drops the API version from Lambda event names (the IAM action) and keeps the logged name', () => {
    expect(byId('exp-0007')).toMatchObject({ action: 'lambda:AddPermission', resource: 'arn:aws:lambda:eu-west-1:111122223333:function:invoice-export' });
    expect(byId('exp-0007').attributes).toMatchObject({ 'aws.principal': '*', 'aws.eventName': 'AddPermission20150331v2' });
    expect(attr('exp-0008', 'aws.principal')).toBe('s3.amazonaws.com');
    expect(byId('exp-0011').action).toBe('lambda:UpdateFunctionCode');
    expect(byId('exp-0012').attributes?.['aws.layers']).toBe('arn:aws:lambda:eu-west-1:999988887777:layer:telemetry-ext:3');
  });

  it('says whether a console sign-in used MFA, and which instance attribute changed', () => {
    expect(attr('exp-0009', 'aws.mfaUsed')).toBe('No');
    expect(attr('exp-0010', 'aws.mfaUsed')).toBe('Yes');
    expect(attr('exp-0013', 'aws.instanceAttribute')).toBe('userData');
    // Not set where the call is not one of these.
    expect(mapped.filter((e) => e.attributes?.['aws.mfaUsed'] !== undefined).map((e) => e.id)).toEqual(['exp-0009', 'exp-0010']);
  });
});
