// Vitest globalSetup for `npm test`: the programs the suite runs for real, installed with
// apt-get when they are missing and the run is root's (scripts/test/provision.sh says what it
// installs); otherwise one line naming the command, and their tests skip (in CI: the run fails).
// AGENTWATCH_TEST_PROVISION=off leaves the machine alone. `npm run test:unit` does not use this.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROVISION_SH = fileURLToPath(new URL('../../scripts/test/provision.sh', import.meta.url));

/** Debian package → the programs of it the tests run (each overridable as the tests allow). */
const PACKAGES: Record<string, string[]> = {
  prometheus: [process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus', process.env['PROMTOOL_BIN'] ?? '/usr/bin/promtool'],
  'prometheus-alertmanager': [process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager', process.env['AMTOOL_BIN'] ?? '/usr/bin/amtool'],
  chromium: [process.env['AGENTWATCH_CHROMIUM'] ?? '/usr/bin/chromium'],
  openssl: ['/usr/bin/openssl'],
};

function isCI(): boolean {
  const ci = process.env['CI']?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export default function setup(): void {
  if (process.env['AGENTWATCH_TEST_PROVISION']?.trim().toLowerCase() === 'off') return;
  const missing = Object.entries(PACKAGES)
    .filter(([, bins]) => bins.some((b) => !existsSync(b)))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const r = spawnSync('bash', [PROVISION_SH, ...missing], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 20 * 60_000 });
  if (r.status === 0) return;
  const why = `scripts/test/provision.sh ${missing.join(' ')} exited ${r.status ?? r.signal}`;
  if (isCI()) throw new Error(`${why}: CI may not skip the tests that need ${missing.join(', ')}`);
  console.warn(`[provision] ${why}; going on, their tests are skipped`);
}
