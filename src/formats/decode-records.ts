import { InvalidEventError, RejectReason } from '../core/errors.js';
import type { AuditEvent } from '../core/events/audit-event.js';
import { toAuditEvent } from '../core/events/decode-audit-event.js';
import { overByteLimit } from '../core/events/oversized-line.js';
import { detectFormat } from './format-registry.js';
import { type LogFormat, SkippedRecord } from './log-format.js';
import { nativeFormat } from './native/native-format.js';
import { isObject } from './record-fields.js';

export type DecodedRecord = AuditEvent | InvalidEventError | SkippedRecord;

const MAX_ARRAY_DEPTH = 2;

/** input.maxEventBytes for native records that arrive outside the native line path. */
export interface NativeSizeLimit {
  maxBytes: number;
  /**
   * Whether the whole value, as read, is within `maxBytes` (then so is every record in it), or
   * over it; undefined when its size is not known (a document): each native record is measured.
   */
  wholeFits?: boolean;
}

/**
 * The audit events of one parsed JSON value in any known format: `format` when given, else
 * recognised per value (`auto`, the file's sniffed format first). A JSON array is read element by element. Every adapter output
 * is validated by the native schema exactly like native input; anything that cannot become an
 * event comes back as an InvalidEventError (or a SkippedRecord) in its place — never thrown,
 * whatever an adapter does.
 */
export function* decodeRecords(value: unknown, format?: LogFormat, preferred?: LogFormat, depth = 0, nativeLimit?: NativeSizeLimit): Iterable<DecodedRecord> {
  if (Array.isArray(value) && depth < MAX_ARRAY_DEPTH) {
    const inner = nativeLimit && nativeLimit.wholeFits !== true ? { maxBytes: nativeLimit.maxBytes } : undefined;
    for (const element of value) yield* decodeRecords(element, format, preferred, depth + 1, inner);
    return;
  }
  // `preferred` is the format a file was sniffed as: first in line, and the one that explains
  // what is wrong with a record that no format recognises.
  const chosen = format ?? (preferred?.detect(value) ? preferred : detectFormat(value)) ?? preferred ?? (looksNative(value) ? nativeFormat : undefined);
  if (!chosen) {
    yield new InvalidEventError(RejectReason.UnknownFormat, `no known log format recognises this record (${describeShape(value)})`);
    return;
  }
  if (chosen.name === 'native' && nativeLimit && nativeLimit.wholeFits !== true) {
    // A record inside a larger value is measured as compact JSON: never more than it was.
    const over = nativeLimit.wholeFits === false || overByteLimit(JSON.stringify(value) ?? '', nativeLimit.maxBytes);
    if (over) {
      yield new InvalidEventError(RejectReason.TooLarge, `native event over the ${nativeLimit.maxBytes}-byte limit (input.maxEventBytes)`);
      return;
    }
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
        yield chosen.name === 'native'
          ? err
          : new InvalidEventError(err.reason, `${chosen.name} record mapped to an invalid event: ${err.message}`, { cause: err });
      }
    }
  } catch (err) {
    yield err instanceof InvalidEventError
      ? err
      : new InvalidEventError(RejectReason.Unmapped, `${chosen.name} adapter failed on this record: ${(err as Error).message}`, { cause: err });
  }
}

/** A record that means to be native (it has native field names): the native schema says what it lacks. */
function looksNative(value: unknown): boolean {
  return (
    isObject(value) && (value['agentId'] !== undefined || value['category'] !== undefined || (value['action'] !== undefined && value['time'] !== undefined))
  );
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a nested array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value).slice(0, 6);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}${Object.keys(value).length > 6 ? ', …' : ''}`;
}
