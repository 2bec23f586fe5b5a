import { createHash } from 'node:crypto';
import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { Outcome } from '../../core/events/audit-event.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { type JsonObject, arr, clip, epochMs, firstStr, num, obj, str } from '../record-fields.js';

/** OCSF `status_id`: 1 Success, 2 Failure (0 Unknown and 99 Other count as success: nothing says it failed). */
const DENIAL = /denied|unauthori[sz]ed|forbidden|not authori[sz]ed|permission|access ?denied|locked|blocked|policy/i;

export function ocsfOutcome(event: JsonObject): Outcome {
  const statusId = num(event['status_id']);
  const status = str(event['status'])?.toLowerCase();
  const failed = statusId === 2 || (statusId === undefined && status === 'failure');
  const api = obj(event['api']);
  const response = obj(api?.['response']);
  const httpCode = num(obj(event['http_response'])?.['code']) ?? num(response?.['code']);
  if (httpCode === 401 || httpCode === 403) return 'denied';
  if (!failed) return 'success';
  const why = [event['status_code'], event['status_detail'], response?.['error'], response?.['error_message'], response?.['message']]
    .map((v) => str(v) ?? '')
    .join(' ');
  return DENIAL.test(why) ? 'denied' : 'failure';
}

/** `time` is epoch milliseconds in OCSF; some producers write it as text, or only `time_dt`. */
export function ocsfTimeMs(event: JsonObject): number | undefined {
  const t = event['time'];
  const n = num(t);
  if (n !== undefined) return n >= 0 ? Math.trunc(n) : undefined;
  return epochMs(t) ?? epochMs(event['time_dt']);
}

/**
 * The event's own id (`metadata.uid`, or the source's id in `metadata.original_event_uid`),
 * else a digest of the record: deterministic, so a replay gives the same id and dedup still works.
 */
export function ocsfId(event: JsonObject): string {
  const metadata = obj(event['metadata']);
  const id = firstStr(metadata?.['uid'], metadata?.['original_event_uid'], obj(obj(event['api'])?.['request'])?.['uid']);
  if (id !== undefined) return clip(id, 256);
  return `ocsf-${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
}

/** src_endpoint and cloud.region. OCSF coordinates are GeoJSON order, [longitude, latitude]. */
export function ocsfSource(event: JsonObject): RawAuditEvent['source'] {
  const source: NonNullable<RawAuditEvent['source']> = {};
  const endpoint = obj(event['src_endpoint']);
  const ip = str(endpoint?.['ip']);
  if (ip !== undefined) source.ip = clip(ip, 64);
  const region = str(obj(event['cloud'])?.['region']);
  if (region !== undefined) source.region = clip(region, 64);
  const location = obj(endpoint?.['location']);
  const country = str(location?.['country']);
  if (country !== undefined) source.country = clip(country, 64);
  const city = str(location?.['city']);
  if (city !== undefined) source.city = clip(city, 128);
  const coordinates = arr(location?.['coordinates']);
  const lon = num(location?.['long'] ?? location?.['lon'] ?? coordinates[0]);
  const lat = num(location?.['lat'] ?? coordinates[1]);
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    source.lat = lat;
    source.lon = lon;
  }
  return Object.keys(source).length ? source : undefined;
}

export function ocsfTenant(event: JsonObject, user: JsonObject | undefined): string | undefined {
  return firstStr(
    obj(obj(event['cloud'])?.['account'])?.['uid'],
    obj(user?.['account'])?.['uid'],
    user?.['account_uid'],
    obj(event['metadata'])?.['tenant_uid'],
  );
}

export function requireTime(event: JsonObject, what: string): number {
  const timeMs = ocsfTimeMs(event);
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, `OCSF ${what}: no valid time (epoch milliseconds) or time_dt`);
  return timeMs;
}
