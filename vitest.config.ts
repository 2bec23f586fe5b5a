import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // In order (torn down in reverse): one temporary folder for the whole run, removed at the end;
    // Prometheus, Alertmanager and Chromium installed if missing (apt-get, as root); a real Kafka
    // broker unless KAFKA_BROKERS is set (AGENTWATCH_TEST_KAFKA=off skips it).
    globalSetup: ['test/setup/tmpdir-global-setup.ts', 'test/setup/provision-global-setup.ts', 'test/setup/kafka-global-setup.ts'],
    // Every test must make at least one assertion.
    setupFiles: ['test/setup/expect-assertions.ts'],
    // Vitest's default in a run is one worker less than the CPUs: one worker on a 2-core machine.
    // Much of the suite waits (on the broker, spawned programs, timers), so every CPU gets one.
    maxWorkers: Math.max(2, availableParallelism()),
    // One module graph per worker instead of one per file: a third of the suite's time went into
    // importing (and transforming) the same sources again for every file. No test mocks modules
    // or leaves process-wide state behind (the CLI helper restores stdout, stderr and env).
    isolate: false,
    testTimeout: 60_000,
    // In CI (CI=true, as .ci/run sets) `npm test` reports coverage of src/ and fails under these
    // floors (issue 18, item 6): a few points below what the suite measured (2026-12-06: statements
    // 92.7 %, branches 83.7 %, functions 93.6 %, lines 95.3 %), so a change that drops
    // tests shows, not noise. Off elsewhere: V8's coverage costs a developer's run time for nothing.
    coverage: {
      enabled: Boolean(process.env['CI']),
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { statements: 90, branches: 81, functions: 91, lines: 93 },
    },
    hookTimeout: 120_000,
  },
});
