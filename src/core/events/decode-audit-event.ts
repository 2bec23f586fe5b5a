import type { ErrorObject } from 'ajv';
import { InvalidEventError, RejectReason } from '../errors.js';
import type { AuditEvent } from './audit-event.js';
import { AuditEventSchema, type RawAuditEvent } from './audit-event-schema.js';
import { isValidAuditEventFast } from './audit-event-fast-check.js';
import { overByteLimit, oversizedLineBytes, tooLarge, utf8Length } from './oversized-line.js';
import { valueAt } from '../json-pointer.js';
import { compileRecordSchema } from '../record-validator.js';

// Compiled with the record options (record-validator.ts): unicode: false measures strings by
// UTF-16 length, a bound as safe as code points (ajv's code-point counting was a fifth of the
// per-event cost); strictNumbers: JSON.parse reads 1e999 as Infinity, which no detector or sink
// can use (it serialises as null). Generated at build time when the CLI runs from dist.
const validate = compileRecordSchema<RawAuditEvent>(AuditEventSchema);

/** Lines longer than this are rejected before parsing: bounded memory whatever the input. */
export const DEFAULT_MAX_EVENT_BYTES = 65_536;

export function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return 'does not match the audit event schema';
  const at = error.instancePath === '' ? 'event' : error.instancePath;
  switch (error.keyword) {
    case 'required':
      return `${at}: missing required field "${String(error.params['missingProperty'])}"`;
    case 'additionalProperties':
      return `${at}: unknown field "${String(error.params['additionalProperty'])}"`;
    case 'pattern':
      return `${at}: must be an RFC 3339 timestamp (e.g. 2026-03-02T09:15:00Z) or epoch milliseconds`;
    case 'anyOf':
      return `${at}: ${at === '/time' ? 'must be an RFC 3339 string or epoch milliseconds' : 'has none of the allowed types or values'}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'}`;
  }
}

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;
const two = (text: string, i: number): number => digit(text, i) * 10 + digit(text, i + 1);

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-compatible low-level date algorithms"). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * RFC 3339 (already checked by the schema's pattern) to epoch ms. The common UTC forms
 * (`…Z`, with 0–3 fraction digits) are read digit by digit: Date.parse was a tenth of the
 * per-event cost. Impossible days are rejected (Date.parse rolls Feb 30 over to Mar 2).
 */
function parseRfc3339(text: string): number {
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  if (month < 1 || month > 12 || day < 1 || (day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate())) return Number.NaN;
  const last = text.charCodeAt(text.length - 1);
  if ((last === 90 || last === 122) && text.length <= 24) {
    const hh = two(text, 11);
    const mm = two(text, 14);
    const ss = two(text, 17);
    if (hh > 23 || mm > 59 || ss > 60) return Number.NaN;
    let ms = 0;
    if (text.length > 21) {
      // ".s", ".ss" or ".sss" before the Z.
      const digits = text.length - 21;
      for (let i = 0; i < 3; i++) ms = ms * 10 + (i < digits ? digit(text, 20 + i) : 0);
    }
    return daysFromCivil(year, month, day) * 86_400_000 + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
  }
  return Date.parse(text);
}

/**
 * Validates an already-parsed value and returns the normalized event. Throws InvalidEventError
 * with a reason (bounded, for metrics) and a message that names the field.
 */
export function toAuditEvent(value: unknown): AuditEvent {
  // The allocation-free check first; ajv judges (and names the error of) whatever it does not accept.
  if (!isValidAuditEventFast(value) && !validate(value)) {
    const error = validate.errors?.[0];
    const at = error ? valueAt(value, error.instancePath) : undefined;
    if (typeof at === 'number' && !Number.isFinite(at)) {
      throw new InvalidEventError(RejectReason.Schema, `${error?.instancePath ?? ''}: must be a finite number (a literal like 1e999 overflows to Infinity)`);
    }
    throw new InvalidEventError(RejectReason.Schema, describeSchemaError(error));
  }
  const raw = value as RawAuditEvent;
  const timeMs = typeof raw.time === 'number' ? raw.time : parseRfc3339(raw.time);
  if (!Number.isFinite(timeMs)) {
    throw new InvalidEventError(RejectReason.BadTime, `/time: "${String(raw.time)}" is not a valid date`);
  }
  // The parsed object becomes the event in place: no copy per event (fields beyond the native
  // format ride along untouched, as `attributes` does).
  const event = raw as unknown as AuditEvent & { time?: unknown };
  event.timeMs = timeMs;
  if (raw.outcome === undefined) event.outcome = 'success';
  return event;
}

/** Decodes one line (or Kafka message value) of the native format; `maxBytes` counts UTF-8 bytes. */
export function decodeAuditEvent(text: string, maxBytes = DEFAULT_MAX_EVENT_BYTES): AuditEvent {
  // Cheap before parsing: the length alone decides unless the text is within 3x of the limit.
  if (overByteLimit(text, maxBytes)) throw tooLarge('event', utf8Length(text), maxBytes, 'input.maxEventBytes');
  if (text.charCodeAt(0) === 10) {
    const skipped = oversizedLineBytes(text);
    if (skipped !== undefined) throw tooLarge('line', skipped, maxBytes, 'input.maxEventBytes', true);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return toAuditEvent(value);
}
