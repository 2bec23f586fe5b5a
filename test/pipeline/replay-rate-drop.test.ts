// rate_drop through replay (the stream's watermark drives the tick) on a generated fleet with
// labelled silences of 2-8 h (issue 14 item 3).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFleet } from '../../scripts/fleet/writer.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { type Label, evaluateAlerts } from '../../src/evaluation/evaluate-alerts.js';
import { replay } from '../../src/pipeline/replay.js';

const AGENTS = 16;
const DAYS = 14;

describe('rate_drop in replay on a generated fleet with silences', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-drop-'));
  let labels: Label[] = [];
  let alerts: Alert[] = [];
  let file = '';

  async function run(): Promise<Alert[]> {
    const out: Alert[] = [];
    await replay({
      files: [file],
      config: loadConfig(undefined, {}).config,
      baselines: loadBaselinesDir(join(dir, 'baselines')).baselines,
      sinks: [{ name: 'memory', write: (a) => void out.push(a), close: async () => {} }],
    });
    return out;
  }

  beforeAll(async () => {
    const fleet = await writeFleet({ seed: 21, agents: AGENTS, days: DAYS, quietShare: 0.3, kinds: ['silence'], anomalyRate: 10 }, dir);
    file = fleet.eventsFile;
    labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Label);
    alerts = await run();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports most silences soon, and raises no rate_drop where there was none', () => {
    const silences = labels.filter((l) => l.detector === 'rate_drop');
    expect(silences.length).toBeGreaterThanOrEqual(4);
    const opening = alerts.filter((a) => a.status === 'open').map((a) => ({ id: a.id, agentId: a.agentId, detector: a.detector, time: a.time }));
    const e = evaluateAlerts(opening, labels, { graceMs: 15 * 60_000, agents: AGENTS, spanMs: DAYS * 86_400_000 });
    const silence = e.byKind.find((k) => k.kind === 'silence');
    expect(silence?.recall).toBeGreaterThanOrEqual(0.75);
    // Caught while silent, not when the agent speaks again.
    expect(silence?.medianDelaySeconds).toBeLessThan(3600);
    expect(e.byDetector.find((d) => d.detector === 'rate_drop')?.falseAlerts ?? 0).toBe(0);
    // Each silence one incident: no agent has two rate_drop incidents inside one label.
    for (const l of silences) {
      const inside = opening.filter(
        (a) => a.detector === 'rate_drop' && a.agentId === l.agentId && Date.parse(a.time) >= Date.parse(l.start) && Date.parse(a.time) <= Date.parse(l.end),
      );
      expect(inside.length).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same messages, byte for byte, on a second replay', async () => {
    expect(alerts.some((a) => a.detector === 'rate_drop')).toBe(true);
    expect(JSON.stringify(await run())).toBe(JSON.stringify(alerts));
  }, 120_000);
});
