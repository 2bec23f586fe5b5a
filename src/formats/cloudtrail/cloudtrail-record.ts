import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { SkippedRecord } from '../log-format.js';
import { type JsonObject, clip, epochMs, firstStr, isObject, obj, putAttr, str } from '../record-fields.js';
import { identityOf } from './cloudtrail-identity.js';
import { outcomeOf } from './cloudtrail-outcome.js';
import { permissionOf } from './cloudtrail-permission.js';
import { putRequestAttributes, unversionedEventName } from './cloudtrail-request-attributes.js';
import { type ArnContext, resourceOf } from './cloudtrail-resource.js';

/** A CloudTrail record: `eventSource` and `eventName` are in every one of them, whatever the eventVersion. */
const INSTANCE_SESSION = /^i-[0-9a-f]{8,17}$/;
/** An ECS task role's session is named after its task (32 hex digits): one task, one place. */
const TASK_SESSION = /^[0-9a-f]{32}$/;
/** The AWS SDKs name the compute they run on in the user agent: a Lambda function, an ECS task. */
const MACHINE_RUNTIME = /\bexec-env\/AWS_(Lambda|ECS)_/;

export function isCloudTrailRecord(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value['eventSource'] === 'string' &&
    typeof value['eventName'] === 'string' &&
    (value['eventTime'] !== undefined || value['eventVersion'] !== undefined || value['userIdentity'] !== undefined)
  );
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

function isIp(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && IPV6.test(text));
}

/** `s3.amazonaws.com` → `s3`: the prefix IAM actions use (`s3:GetObject`). */
function serviceOf(eventSource: string): string {
  const i = eventSource.indexOf('.amazonaws.com');
  return i > 0 ? eventSource.slice(0, i) : eventSource;
}

/**
 * One CloudTrail record to its native event (see docs/formats.md for the field table). Throws
 * InvalidEventError when the record lacks what every event needs; returns a SkippedRecord for
 * Insights events, which describe a trail's statistics rather than a call.
 */
export function mapCloudTrailRecord(record: unknown): RawAuditEvent | SkippedRecord {
  if (!isCloudTrailRecord(record)) throw new InvalidEventError(RejectReason.Unmapped, 'CloudTrail: a record needs eventSource and eventName');
  if (str(record['eventType']) === 'AwsCloudTrailInsight') return new SkippedRecord('cloudtrail insight event');
  const eventSource = str(record['eventSource']) as string;
  const loggedName = str(record['eventName']) as string;
  const eventName = unversionedEventName(loggedName);
  const id = firstStr(record['eventID'], record['requestID']);
  if (id === undefined) throw new InvalidEventError(RejectReason.Schema, `CloudTrail ${eventName}: no eventID`);
  // Elastic/Logstash exports keep the time in @timestamp only.
  const timeMs = epochMs(record['eventTime'] ?? record['@timestamp']);
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, `CloudTrail ${eventName} ${id}: no valid eventTime`);
  const identity = identityOf(record);
  if (identity === undefined) throw new InvalidEventError(RejectReason.Unmapped, `CloudTrail ${eventName} ${id}: userIdentity names no principal`);

  const service = serviceOf(eventSource);
  const action = `${service}:${eventName}`;
  const region = str(record['awsRegion']);
  const account = firstStr(record['recipientAccountId'], identity.accountId) ?? '';
  const partition = identity.agentId.startsWith('arn:') ? (identity.agentId.split(':')[1] ?? 'aws') : 'aws';
  const ctx: ArnContext = { partition, region: region ?? '', account };
  const target = resourceOf(record, service, eventName, ctx);
  const permission = permissionOf(action, record, ctx);

  const event: RawAuditEvent = {
    id,
    time: timeMs,
    agentId: clip(identity.agentId, 256),
    category: permission !== undefined ? 'permission_request' : target !== undefined ? 'resource_access' : 'api_call',
    action: clip(action, 512),
    outcome: outcomeOf(record),
  };
  const tenant = str(record['recipientAccountId']) ?? identity.accountId;
  if (tenant !== undefined) event.tenant = clip(tenant, 256);
  if (target !== undefined) event.resource = clip(target.resource, 2048);
  if (permission !== undefined) event.permission = clip(permission, 512);

  // sourceIPAddress is the caller's address, or the name of the AWS service that called on its
  // behalf ("AWS Internal", "ec2.amazonaws.com"): no place of the caller's, so no source.
  // awsRegion is the region called, not where the caller is: as source.region it would hide the
  // caller's network (a stolen key used from elsewhere calls the same region). It is kept as
  // the attribute aws.region, and in every regional resource ARN.
  const sourceIp = str(record['sourceIPAddress']);
  if (sourceIp !== undefined && isIp(sourceIp)) {
    event.source = { ip: clip(sourceIp, 64) };
    // An instance profile's session is named after its instance: those credentials live on one
    // machine, so the same session from a second network is credential exfiltration (the
    // GuardDuty InstanceCredentialExfiltration pattern), whatever the role's history. So do an
    // ECS task's (named after the task) and a Lambda function's (issue 15, item 3). A function's
    // sessions all bear its name, one per execution environment: the session is the name and
    // its access key, bound by the calls its runtime makes (exec-env in the user agent); the
    // same key used elsewhere without it is the theft.
    const name = identity.sessionName;
    if (name !== undefined) {
      const key = str(obj(record['userIdentity'])?.['accessKeyId']);
      const named = INSTANCE_SESSION.test(name) || TASK_SESSION.test(name);
      event.source.session = clip(named || key === undefined ? name : `${name}/${key}`, 256);
      if (named || MACHINE_RUNTIME.test(str(record['userAgent']) ?? '')) event.source.sessionBound = true;
    }
  }

  const attrs: Record<string, string | number | boolean> = {};
  putAttr(attrs, 'aws.region', region);
  if (sourceIp !== undefined && !isIp(sourceIp)) putAttr(attrs, 'aws.sourceService', sourceIp);
  putAttr(attrs, 'aws.eventSource', eventSource);
  putAttr(attrs, 'aws.eventType', record['eventType']);
  putAttr(attrs, 'aws.identityType', identity.type);
  putAttr(attrs, 'aws.sessionName', identity.sessionName);
  putAttr(attrs, 'aws.principalArn', identity.principalArn);
  const userIdentity = isObject(record['userIdentity']) ? record['userIdentity'] : {};
  putAttr(attrs, 'aws.accessKeyId', userIdentity['accessKeyId']);
  putAttr(attrs, 'aws.invokedBy', userIdentity['invokedBy']);
  if (identity.accountId !== undefined && identity.accountId !== tenant) putAttr(attrs, 'aws.callerAccountId', identity.accountId);
  const ua = str(record['userAgent']);
  if (ua !== undefined) putAttr(attrs, 'aws.userAgent', clip(ua, 512));
  putAttr(attrs, 'aws.errorCode', record['errorCode']);
  const message = str(record['errorMessage']);
  if (message !== undefined) putAttr(attrs, 'aws.errorMessage', clip(message, 512));
  if (typeof record['readOnly'] === 'boolean') attrs['aws.readOnly'] = record['readOnly'];
  if (target !== undefined && target.count > 1) attrs['aws.resourceCount'] = target.count;
  if (loggedName !== eventName) putAttr(attrs, 'aws.eventName', loggedName);
  putRequestAttributes(attrs, eventName, record);
  event.attributes = attrs;
  return event;
}
