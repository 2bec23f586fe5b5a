// Shared by the Kafka globalSetup (main Vitest process) and kafka-env.ts (test workers).
// No runtime import of 'vitest' here: this file is loaded in the main process too.

export const KAFKA_SKIP_MESSAGE = 'Kafka broker tests skipped: set KAFKA_BROKERS or install Java 17 + Maven (scripts/kafka/kafka.sh fetch)';

/** Port of the broker that the test setup starts itself (a dev broker from kafka.sh uses 9092). */
export const TEST_KAFKA_PORT_DEFAULT = 19092;

declare module 'vitest' {
  // Filled by test/setup/kafka-global-setup.ts through project.provide(); read with inject().
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}
