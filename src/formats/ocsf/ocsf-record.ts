import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { isObject, num, obj } from '../record-fields.js';
import { mapApiActivity } from './ocsf-api-activity.js';
import { mapAuthentication } from './ocsf-authentication.js';

export const OcsfClass = { Authentication: 3002, ApiActivity: 6003 } as const;

function classOf(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  const uid = num(value['class_uid']);
  return uid !== undefined && Number.isInteger(uid) && uid > 0 ? uid : undefined;
}

/**
 * Any OCSF event (a `class_uid` and a `metadata` object, or a `type_uid`), one per line or a JSON
 * array of them: other classes are claimed too, so that they are rejected with a reason naming
 * the class rather than as an unknown format.
 */
export function isOcsfValue(value: unknown): boolean {
  const first = Array.isArray(value) ? value.find(isObject) : value;
  if (!isObject(first) || classOf(first) === undefined) return false;
  return obj(first['metadata']) !== undefined || num(first['type_uid']) !== undefined;
}

export function ocsfRecords(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function mapOcsfEvent(event: unknown): RawAuditEvent {
  if (!isObject(event)) throw new InvalidEventError(RejectReason.Unmapped, 'OCSF: an event must be a JSON object');
  const uid = classOf(event);
  switch (uid) {
    case OcsfClass.ApiActivity:
      return mapApiActivity(event);
    case OcsfClass.Authentication:
      return mapAuthentication(event);
    default:
      throw new InvalidEventError(
        RejectReason.Unmapped,
        uid === undefined ? 'OCSF: no class_uid' : `OCSF class ${uid} is not read (supported: API Activity 6003, Authentication 3002)`,
      );
  }
}
