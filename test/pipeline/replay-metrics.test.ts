import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import { replay } from '../../src/pipeline/replay.js';
import type { AlertSink } from '../../src/sinks/alert-sink.js';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';

describe('replay with metrics', () => {
  it('counts what its summary counts, with bounded labels only', async () => {
    const fleet = createFleet({ seed: 5, agents: 8, days: 10, scale: 0.1, anomalyRate: 4, lateFraction: 0, veryLateFraction: 0 });
    const lines = [...fleet.lines()];
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-metrics-'));
    mkdirSync(join(dir, 'baselines'));
    writeFileSync(join(dir, 'baselines', 'fleet.yaml'), fleet.baselinesYaml());
    writeFileSync(join(dir, 'events.jsonl'), `${[...lines.slice(0, 100), '{"not json', '{"id":"x"}', ...lines.slice(100)].join('\n')}\n`);
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const sink: AlertSink = { name: 'memory', write: () => {}, close: async () => {} };
    const { summary } = await replay({
      files: [join(dir, 'events.jsonl')],
      config: loadConfig(undefined, {}).config,
      baselines: loadBaselinesDir(join(dir, 'baselines')).baselines,
      sinks: [sink],
      metrics,
    });
    expect(summary.alerts).toBeGreaterThanOrEqual(3);
    const text = await metrics.registry.metrics();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('agentwatch_events_consumed_total{outcome="accepted"}')).toBe(summary.accepted);
    expect(value('agentwatch_events_consumed_total{outcome="rejected",reason="not_json"}')).toBe(1);
    expect(value('agentwatch_events_consumed_total{outcome="rejected",reason="schema"}')).toBe(1);
    const alerts = [...text.matchAll(/^agentwatch_alerts_total\{detector="(\w+)",severity="(\w+)"\} (\d+)$/gm)];
    expect(alerts.reduce((n, m) => n + Number(m[3]), 0)).toBe(summary.alerts);
    for (const [, detector, severity, n] of alerts) expect(summary.alertsByDetector[detector as string]?.[severity as 'low']).toBe(Number(n));
    // Sinks get every message: opening alerts, updates and resolutions.
    expect(value('agentwatch_sink_deliveries_total{sink="memory"}')).toBe(summary.alerts + summary.updates + summary.resolved);
    expect(value('agentwatch_agents_tracked')).toBe(summary.agents);
    expect(value('agentwatch_agents_learning')).toBe(summary.learningAgents);
    expect(value('agentwatch_batch_duration_seconds_count')).toBeGreaterThan(0);
    const agentIds = new Set(lines.map((l) => (JSON.parse(l) as { agentId: string }).agentId));
    for (const id of agentIds) expect(text).not.toContain(id);
  });
});
