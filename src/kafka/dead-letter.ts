import { type IHeaders, type KafkaMessage, type Message } from 'kafkajs';

/** Header values are bounded: an error message must not make the dead letter itself too large. */
const MAX_HEADER_CHARS = 1024;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
  reason: string;
  error: string;
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
  return { key: src.message.key, value: src.message.value, headers };
}
