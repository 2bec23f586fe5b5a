import { type KafkaMessage } from 'kafkajs';
import { InvalidEventError, RejectReason } from '../core/errors.js';
import { type AuditEvent } from '../core/events/audit-event.js';
import { toAuditEvent } from '../core/events/decode-audit-event.js';

/** A Kafka message's value as an audit event, or an InvalidEventError with the reason (dead letter). */
export function decodeKafkaMessage(message: KafkaMessage, maxBytes: number): AuditEvent {
  const value = message.value;
  if (value === null) throw new InvalidEventError(RejectReason.Schema, 'message has no value (tombstone)');
  if (value.length > maxBytes) throw new InvalidEventError(RejectReason.TooLarge, `message is ${value.length} bytes, over the ${maxBytes} limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (cause) {
    throw new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return toAuditEvent(parsed);
}
