import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { replay } from '../../src/pipeline/replay.js';

// Issue 13: the same event delivered twice (at-least-once producers, overlapping exports) once
// doubled rates and raised rate spikes that did not exist.
describe('replay of a fleet whose every event arrives twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-dup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(lines: readonly string[], name: string) {
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const alerts: Alert[] = [];
    const { summary } = await replay({
      files: [file],
      config: loadConfig(undefined, {}).config,
      baselines: DeclaredBaselines.empty(),
      sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
    });
    return { alerts, summary };
  }

  it('raises exactly the clean alerts, byte for byte, and counts every duplicate', async () => {
    const clean = [...createFleet({ seed: 23, agents: 12, days: 12, scale: 0.05, anomalyRate: 5 }).lines()];
    const base = await run(clean, 'clean');
    expect(base.alerts.filter((a) => a.status === 'open').length).toBeGreaterThanOrEqual(5);
    // Each event twice: at once, or a few lines later (a retried batch), never beyond the window.
    const twice: string[] = [];
    const pending: string[] = [];
    clean.forEach((line, i) => {
      twice.push(line);
      if (i % 3 === 0) twice.push(line);
      else pending.push(line);
      if (pending.length >= 5) twice.push(...pending.splice(0));
    });
    twice.push(...pending);
    expect(twice.length).toBe(2 * clean.length);
    const dup = await run(twice, 'twice');
    expect(dup.summary.duplicates).toBe(clean.length);
    expect(dup.alerts.map((a) => JSON.stringify(a))).toEqual(base.alerts.map((a) => JSON.stringify(a)));
  });
});
