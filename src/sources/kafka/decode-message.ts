import type { KafkaMessage } from 'kafkajs';
import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { AuditEvent } from '../../core/events/audit-event.js';
import { toAuditEvent } from '../../core/events/decode-audit-event.js';
import { overByteLimit, tooLarge } from '../../core/events/oversized-line.js';
import { decodeRecords } from '../../formats/decode-records.js';
import { type LogFormat, SkippedRecord } from '../../formats/log-format.js';
import { nativeFormat } from '../../formats/native/native-format.js';

export interface MessageLimits {
  /** Native events: larger messages are rejected (input.maxEventBytes). */
  maxEventBytes: number;
  /** Foreign formats, whose envelopes hold many records (input.maxDocumentBytes). */
  maxDocumentBytes: number;
}

export interface DecodedMessage {
  events: AuditEvent[];
  /** The first record that could not become an event, with how many did not (the message is dead-lettered once). */
  error?: InvalidEventError;
  skipped: number;
}

/**
 * A Kafka message's value as audit events. A native event (the common case) is validated as
 * always; another format (`format`, or recognised per message when undefined) may yield several
 * events — an EventBridge CloudTrail event one, an Entra `{"records":[…]}` batch many. A message
 * that cannot be read at all throws InvalidEventError (dead letter); one whose records are
 * partly bad returns the good events and the error, so that the message goes to the dead
 * letters with the reason while its good records are still detected on.
 */
export function decodeKafkaMessage(message: KafkaMessage, limits: MessageLimits, format?: LogFormat): DecodedMessage {
  const decoded = decodeKafkaValue(message, limits, format);
  return isDecodedMessage(decoded) ? decoded : { events: [decoded], skipped: 0 };
}

/** A foreign-format message's records (decodeKafkaValue returns a native event bare). */
class DecodedRecords implements DecodedMessage {
  constructor(
    readonly events: AuditEvent[],
    readonly skipped: number,
    readonly error?: InvalidEventError,
  ) {}
}

export function isDecodedMessage(decoded: AuditEvent | DecodedMessage): decoded is DecodedMessage {
  return decoded instanceof DecodedRecords;
}

/**
 * decodeKafkaMessage without an envelope for the common case: a native message's one event is
 * returned bare (issue 16, item 4: two objects less per message), other formats' records as a
 * DecodedMessage (tell them apart with isDecodedMessage).
 */
export function decodeKafkaValue(message: KafkaMessage, limits: MessageLimits, format?: LogFormat): AuditEvent | DecodedMessage {
  const value = message.value;
  if (value === null) throw new InvalidEventError(RejectReason.Schema, 'message has no value (tombstone)');
  // A foreign message may be an envelope of many records (input.maxDocumentBytes); a native one is one event.
  const byEvent = format?.name === 'native' || limits.maxEventBytes >= limits.maxDocumentBytes;
  const maxBytes = byEvent ? limits.maxEventBytes : limits.maxDocumentBytes;
  if (overByteLimit(value, maxBytes)) throw tooLarge('message', value.length, maxBytes, byEvent ? 'input.maxEventBytes' : 'input.maxDocumentBytes');
  const fitsEvent = !overByteLimit(value, limits.maxEventBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (cause) {
    // Too large for a native event and no document either: the size is what went wrong first.
    if (!fitsEvent) throw tooLarge('message', value.length, limits.maxEventBytes, 'input.maxEventBytes', false, { cause });
    throw new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (format?.name === 'native' || (format === undefined && nativeFormat.detect(parsed))) {
    if (!fitsEvent) throw tooLarge('message', value.length, limits.maxEventBytes, 'input.maxEventBytes');
    return toAuditEvent(parsed);
  }
  const events: AuditEvent[] = [];
  let error: InvalidEventError | undefined;
  let bad = 0;
  let skipped = 0;
  for (const out of decodeRecords(parsed, format, undefined, 0, { maxBytes: limits.maxEventBytes, wholeFits: fitsEvent })) {
    if (out instanceof SkippedRecord) skipped++;
    else if (out instanceof InvalidEventError) {
      bad++;
      error ??= out;
    } else events.push(out);
  }
  if (error === undefined) return new DecodedRecords(events, skipped);
  if (events.length === 0 && bad === 1) throw error;
  const summary = new InvalidEventError(error.reason, `${bad} of ${bad + events.length} records rejected; first: ${error.message}`, { cause: error });
  if (events.length === 0) throw summary;
  return new DecodedRecords(events, skipped, summary);
}
