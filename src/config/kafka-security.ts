import type { KafkaConfig } from './kafka-config-schema.js';

/**
 * What is unsafe in a Kafka connection that is otherwise valid, as warnings to log at start.
 * SASL PLAIN sends the password itself, in the clear unless the connection is TLS: anyone on the
 * path reads it. It stays allowed (a lab, a broker on localhost), but never without a word.
 * Pure, so `run`, `produce` and `feedback` can all call it with the config they loaded.
 */
export function kafkaSecurityWarnings(kafka: Pick<KafkaConfig, 'sasl' | 'ssl' | 'brokers'>): string[] {
  const warnings: string[] = [];
  if (kafka.sasl?.mechanism === 'plain' && !kafka.ssl.enabled) {
    warnings.push(
      `kafka.sasl.mechanism is plain and kafka.ssl.enabled is false: the SASL password goes to ${kafka.brokers.length === 1 ? 'the broker' : 'the brokers'} in clear text. Enable kafka.ssl, or use scram-sha-256/512.`,
    );
  }
  if (kafka.ssl.enabled && !kafka.ssl.rejectUnauthorized) {
    warnings.push(
      "kafka.ssl.rejectUnauthorized is false: the brokers' certificates are not verified, so TLS does not stop a man in the middle (and SASL credentials go to whoever answers).",
    );
  }
  return warnings;
}
