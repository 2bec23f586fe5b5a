import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { messageBytes } from '../../kafka/changelog-writer.js';

/** Header values are bounded: an error message must not make the dead letter itself too large. */
const MAX_HEADER_CHARS = 1024;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
  reason: string;
  error: string;
  /** The most bytes the dead letter may take (the dead-letter topic's request budget); larger ones are truncated. */
  maxBytes?: number;
}

/**
 * The rejected message as it arrived (key, value and headers untouched), plus headers that say
 * where it came from and why it was rejected, in the Spring Kafka dead-letter style
 * (`kafka_dlt-*`) and our own (`agentwatch-*`), so standard tooling can re-drive it.
 */
export function deadLetterMessage(src: DeadLetterSource): Message {
  const error = src.error.length > MAX_HEADER_CHARS ? `${src.error.slice(0, MAX_HEADER_CHARS)}…` : src.error;
  const headers: IHeaders = {
    ...(src.message.headers ?? {}),
    'kafka_dlt-original-topic': src.topic,
    'kafka_dlt-original-partition': String(src.partition),
    'kafka_dlt-original-offset': src.message.offset,
    'kafka_dlt-original-timestamp': src.message.timestamp,
    'kafka_dlt-original-consumer-group': src.groupId,
    'kafka_dlt-exception-message': error,
    'agentwatch-error-reason': src.reason,
  };
  const whole: Message = { key: src.message.key, value: src.message.value, headers };
  if (src.maxBytes === undefined || messageBytes(whole) <= src.maxBytes) return whole;
  return truncated(src, whole, headers, src.maxBytes);
}

/**
 * A dead letter too large for its topic, sent as a truncated copy rather than not at all (issue
 * 12: one 1 MB input message could not be dead-lettered, the batch failed, and every restart
 * crashed on the same offset: the partition was blocked for good). The headers say so and carry
 * the original size; the original stays readable at its offset until the input's retention ends.
 */
function truncated(src: DeadLetterSource, whole: Message, headers: IHeaders, maxBytes: number): Message {
  const originalBytes = src.message.value?.length ?? 0;
  const marks: IHeaders = { 'agentwatch-truncated': 'true', 'agentwatch-original-bytes': String(originalBytes) };
  let withMarks: Message = { ...whole, headers: { ...headers, ...marks } };
  // The original headers go first if they alone break the budget (they are the producer's, unbounded).
  const ownOnly: IHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('kafka_dlt-') || k.startsWith('agentwatch-')));
  if (messageBytes({ key: whole.key, value: null, headers: withMarks.headers }) > maxBytes / 2) {
    withMarks = { ...withMarks, headers: { ...ownOnly, ...marks, 'agentwatch-headers-dropped': 'true' } };
  }
  let key = whole.key ?? null;
  if (key !== null && Buffer.byteLength(key) > 1024) key = Buffer.from(key).subarray(0, 1024);
  const room = Math.max(0, maxBytes - messageBytes({ key, value: null, headers: withMarks.headers }));
  const value = src.message.value === null ? null : src.message.value.subarray(0, room);
  return { key, value, headers: withMarks.headers };
}
