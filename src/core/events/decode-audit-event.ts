import { Ajv, type ErrorObject } from 'ajv';
import { InvalidEventError, RejectReason } from '../errors.js';
import { type AuditEvent } from './audit-event.js';
import { AuditEventSchema, type RawAuditEvent } from './audit-event-schema.js';

const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile<RawAuditEvent>(AuditEventSchema);

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

/** Date.parse rolls impossible days over (Feb 30 → Mar 2); an audit log with one is corrupt. */
function parseRfc3339(text: string): number {
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  if (day > 28) {
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return Number.NaN;
  }
  return Date.parse(text);
}

/**
 * Validates an already-parsed value and returns the normalized event. Throws InvalidEventError
 * with a reason (bounded, for metrics) and a message that names the field.
 */
export function toAuditEvent(value: unknown): AuditEvent {
  if (!validate(value)) {
    throw new InvalidEventError(RejectReason.Schema, describeSchemaError(validate.errors?.[0]));
  }
  const raw = value;
  const timeMs = typeof raw.time === 'number' ? raw.time : parseRfc3339(raw.time);
  if (!Number.isFinite(timeMs)) {
    throw new InvalidEventError(RejectReason.BadTime, `/time: "${String(raw.time)}" is not a valid date`);
  }
  const event: AuditEvent = {
    id: raw.id,
    timeMs,
    agentId: raw.agentId,
    category: raw.category,
    action: raw.action,
    outcome: raw.outcome ?? 'success',
  };
  if (raw.agentClass !== undefined) event.agentClass = raw.agentClass;
  if (raw.tenant !== undefined) event.tenant = raw.tenant;
  if (raw.resource !== undefined) event.resource = raw.resource;
  if (raw.permission !== undefined) event.permission = raw.permission;
  if (raw.source !== undefined) event.source = raw.source;
  if (raw.attributes !== undefined) event.attributes = raw.attributes;
  return event;
}

/** Decodes one line (or Kafka message value) of the native format. */
export function decodeAuditEvent(text: string, maxBytes = DEFAULT_MAX_EVENT_BYTES): AuditEvent {
  // String length bounds UTF-8 bytes from below (and from above by 3x), cheap before parsing.
  if (text.length > maxBytes) {
    throw new InvalidEventError(RejectReason.TooLarge, `event is ${text.length} characters, over the ${maxBytes} limit`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return toAuditEvent(value);
}
