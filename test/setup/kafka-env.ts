// For tests that need a real Kafka broker (see test/setup/kafka-global-setup.ts).
//
//   import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';
//
//   describeKafka('my kafka thing', () => {
//     const brokers = kafkaBrokers()!.split(',');
//     it('...', async () => { ... });
//   });
//
// Without a broker the suite is skipped; the global setup prints why (and fails the run in CI).
import { describe, inject, type SuiteAPI } from 'vitest';
import { KAFKA_SKIP_MESSAGE } from './kafka-constants.js';

export { KAFKA_SKIP_MESSAGE };

/** Comma-separated bootstrap servers of the test broker, or undefined when there is none. */
export function kafkaBrokers(): string | undefined {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return fromEnv;
  try {
    const provided = inject('kafkaBrokers') as string | undefined;
    return provided?.trim() || undefined;
  } catch {
    return undefined; // not inside a Vitest worker
  }
}

/** `describe` that is skipped when no Kafka broker is available. */
export const describeKafka: ReturnType<SuiteAPI['skipIf']> = describe.skipIf(!kafkaBrokers());
