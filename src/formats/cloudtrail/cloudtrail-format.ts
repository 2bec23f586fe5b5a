import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { NativeEventInput, SkippedRecord } from '../log-format.js';
import { isObject, obj, str } from '../record-fields.js';
import { isCloudTrailRecord, mapCloudTrailRecord } from './cloudtrail-record.js';

/** EventBridge delivers each CloudTrail record wrapped: `{"detail-type": "AWS API Call via CloudTrail", "detail": {record}}`. */
function eventBridgeDetail(value: Record<string, unknown>): unknown {
  return typeof value['detail-type'] === 'string' && isCloudTrailRecord(value['detail']) ? value['detail'] : undefined;
}

/** `aws cloudtrail lookup-events` output: each event carries its record as JSON text. */
function lookupEvents(value: Record<string, unknown>): unknown[] | undefined {
  const events = value['Events'];
  if (!Array.isArray(events)) return undefined;
  const first = obj(events[0]);
  return first !== undefined && typeof first['CloudTrailEvent'] === 'string' ? events : undefined;
}

function isCloudTrailValue(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['Records'])) return isCloudTrailRecord(value['Records'].find(isObject));
  return isCloudTrailRecord(value) || eventBridgeDetail(value) !== undefined || lookupEvents(value) !== undefined;
}

/** The records of one value: an S3 delivery file, an EventBridge event, a lookup-events page, or one record. */
function* recordsOf(value: unknown): Iterable<unknown> {
  if (!isObject(value)) {
    yield value;
    return;
  }
  if (Array.isArray(value['Records'])) {
    yield* value['Records'];
    return;
  }
  const detail = eventBridgeDetail(value);
  if (detail !== undefined) {
    yield detail;
    return;
  }
  const looked = lookupEvents(value);
  if (looked !== undefined) {
    for (const e of looked) {
      const text = str(obj(e)?.['CloudTrailEvent']);
      try {
        yield text === undefined ? e : (JSON.parse(text) as unknown);
      } catch {
        yield new InvalidEventError(RejectReason.NotJson, 'CloudTrail lookup-events: CloudTrailEvent is not valid JSON');
      }
    }
    return;
  }
  yield value;
}

/** AWS CloudTrail: S3 delivery files, EventBridge events, lookup-events output, single records. See docs/formats.md. */
export const cloudTrailFormat = {
  name: 'cloudtrail',
  description:
    'AWS CloudTrail records: S3 delivery files {"Records":[…]} (gzip or not), EventBridge events, lookup-events output, or one record per line/message',
  detect: isCloudTrailValue,
  *toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError | SkippedRecord> {
    for (const record of recordsOf(value)) {
      if (record instanceof InvalidEventError) {
        yield record;
        continue;
      }
      try {
        yield mapCloudTrailRecord(record);
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield err;
      }
    }
  },
} as const;
