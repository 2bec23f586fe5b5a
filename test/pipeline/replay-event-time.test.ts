import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { replay } from '../../src/pipeline/replay.js';
import { JsonlFileWriter } from '../../src/sinks/jsonl-file-writer.js';

// Issue 12: one event dated 9999-12-31 in a three-week fleet once made replay raise 0 of its 46 alerts.
describe('replay with absurd event times', () => {
  let dir: string;
  let clean: string[];
  let cleanAlerts: Alert[];

  async function run(lines: readonly string[], name: string) {
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const alerts: Alert[] = [];
    const rejects = new JsonlFileWriter(join(dir, `${name}.rejects.jsonl`));
    const { summary } = await replay({
      files: [file],
      config: loadConfig(undefined, {}).config,
      baselines: DeclaredBaselines.empty(),
      sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
      rejects,
    });
    await rejects.close();
    const rejected = readFileSync(join(dir, `${name}.rejects.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { line: number; reason: string; error: string });
    return { alerts, summary, rejected };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-time-'));
    clean = [...createFleet({ seed: 21, agents: 12, days: 21, scale: 0.05, anomalyRate: 5 }).lines()];
    cleanAlerts = (await run(clean, 'clean')).alerts;
    expect(cleanAlerts.filter((a) => a.status === 'open').length).toBeGreaterThanOrEqual(10);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects a new agent dated 9999, a member dated years ahead and epoch-0 events; the alerts are the clean run’s, byte for byte', async () => {
    const member = (JSON.parse(clean[500] as string) as { agentId: string }).agentId;
    const bad = [
      { id: 'x-9999', time: '9999-12-31T23:59:59Z', agentId: 'clock-9999', category: 'api_call', action: 'a' },
      { id: 'x-0', time: 0, agentId: 'clock-zero', category: 'api_call', action: 'a' },
      { id: 'x-member', time: '2031-01-01T00:00:00Z', agentId: member, category: 'api_call', action: 'a' },
    ].map((b) => JSON.stringify(b));
    const lines = clean.slice();
    const at = [Math.floor(lines.length / 2), Math.floor(lines.length / 3), Math.floor((2 * lines.length) / 3)];
    bad.forEach((b, i) => lines.splice(at[i] as number, 0, b));
    const r = await run(lines, 'dirty');
    expect(r.summary.rejected).toEqual({ time_out_of_range: 3 });
    expect(r.rejected.map((x) => x.reason)).toEqual(['time_out_of_range', 'time_out_of_range', 'time_out_of_range']);
    expect(r.rejected.some((x) => /9999-12-31T23:59:59.000Z is .* ahead of the stream/.test(x.error))).toBe(true);
    expect(r.rejected.some((x) => /before 2000-01-01/.test(x.error))).toBe(true);
    expect(r.alerts.map((a) => JSON.stringify(a))).toEqual(cleanAlerts.map((a) => JSON.stringify(a)));
    expect(r.summary.agents).toBe(12);
  });

  it('an epoch-0 first line does not set the clock: the fleet after it is read whole', async () => {
    const lines = [JSON.stringify({ id: 'z', time: '1970-01-01T00:00:00Z', agentId: 'zero', category: 'api_call', action: 'a' }), ...clean];
    const r = await run(lines, 'first-zero');
    expect(r.summary.rejected).toEqual({ time_out_of_range: 1 });
    expect(r.summary.accepted).toBe(clean.length);
    expect(r.alerts.map((a) => a.id)).toEqual(cleanAlerts.map((a) => a.id));
  });
});
