import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts a real Kafka broker unless KAFKA_BROKERS is set (AGENTWATCH_TEST_KAFKA=off skips it).
    globalSetup: ['test/setup/kafka-global-setup.ts'],
    // Every test must make at least one assertion.
    setupFiles: ['test/setup/expect-assertions.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
