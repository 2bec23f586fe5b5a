import { InvalidEventError, RejectReason } from '../core/errors.js';
import { type AuditEvent } from '../core/events/audit-event.js';
import { toAuditEvent } from '../core/events/decode-audit-event.js';
import { detectFormat } from './format-registry.js';
import { type LogFormat, SkippedRecord } from './log-format.js';

export type DecodedRecord = AuditEvent | InvalidEventError | SkippedRecord;

const MAX_ARRAY_DEPTH = 2;

/**
 * The audit events of one parsed JSON value in any known format: `format` when given, else
 * recognised per value (`auto`). A JSON array is read element by element. Every adapter output
 * is validated by the native schema exactly like native input; anything that cannot become an
 * event comes back as an InvalidEventError (or a SkippedRecord) in its place — never thrown,
 * whatever an adapter does.
 */
export function* decodeRecords(value: unknown, format?: LogFormat, depth = 0): Iterable<DecodedRecord> {
  if (Array.isArray(value) && depth < MAX_ARRAY_DEPTH) {
    for (const element of value) yield* decodeRecords(element, format, depth + 1);
    return;
  }
  const chosen = format ?? detectFormat(value);
  if (!chosen) {
    yield new InvalidEventError(RejectReason.UnknownFormat, `no known log format recognises this record (${describeShape(value)})`);
    return;
  }
  try {
    for (const out of chosen.toEvents(value)) {
      if (out instanceof InvalidEventError || out instanceof SkippedRecord) {
        yield out;
        continue;
      }
      try {
        yield toAuditEvent(out);
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield chosen.name === 'native' ? err : new InvalidEventError(err.reason, `${chosen.name} record mapped to an invalid event: ${err.message}`, { cause: err });
      }
    }
  } catch (err) {
    yield err instanceof InvalidEventError ? err : new InvalidEventError(RejectReason.Unmapped, `${chosen.name} adapter failed on this record: ${(err as Error).message}`, { cause: err });
  }
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a nested array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value).slice(0, 6);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}${Object.keys(value).length > 6 ? ', …' : ''}`;
}
