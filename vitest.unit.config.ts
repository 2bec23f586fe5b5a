// `npm run test:unit`: the suite without services — no Kafka broker, Prometheus, Alertmanager or
// Chromium, nothing installed — and without the tests that spawn the CLI (a tsx start costs
// seconds of CPU each), for a quick run while working. `npm test` runs everything.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export const NOT_UNIT_TESTS = [
  'test/integration/**',
  // The broker:
  'test/cli/tail-command.test.ts',
  // Prometheus and Alertmanager (promtool, amtool) and Chromium:
  'test/deploy/observability-deploy.test.ts',
  'test/deploy/alertmanager-deploy.test.ts',
  'test/cli/report-browser.test.ts',
  // Spawned CLIs: one smoke test per command; the hostile corpus in small heaps and 200 MB lines.
  'test/cli/smoke.test.ts',
  'test/hostile/**',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    exclude: [...NOT_UNIT_TESTS, '**/node_modules/**'],
    globalSetup: ['test/setup/tmpdir-global-setup.ts'],
  },
});
