import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';

/** The exposition's samples as `name{labels} value` lines (comments dropped). */
async function samples(m: PrometheusMetrics): Promise<string[]> {
  return (await m.registry.metrics()).split('\n').filter((l) => l && !l.startsWith('#'));
}

describe('PrometheusMetrics', () => {
  it('exports the agentwatch_ metrics with their types, in a registry of its own', async () => {
    const a = new PrometheusMetrics({ defaultMetrics: false });
    const b = new PrometheusMetrics({ defaultMetrics: false });
    a.eventsAccepted(5);
    const text = await a.registry.metrics();
    const types = Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(types).toEqual({
      agentwatch_events_consumed_total: 'counter',
      agentwatch_dead_letters_total: 'counter',
      agentwatch_alerts_total: 'counter',
      agentwatch_event_to_alert_seconds: 'histogram',
      agentwatch_batch_duration_seconds: 'histogram',
      agentwatch_consumer_lag_messages: 'gauge',
      agentwatch_partitions_assigned: 'gauge',
      agentwatch_baseline_restore_duration_seconds: 'histogram',
      agentwatch_baselines_restored_total: 'counter',
      agentwatch_changelog_flush_duration_seconds: 'histogram',
      agentwatch_changelog_flush_failures_total: 'counter',
      agentwatch_changelog_records_total: 'counter',
      agentwatch_changelog_bytes_total: 'counter',
      agentwatch_offset_commit_failures_total: 'counter',
      agentwatch_sink_deliveries_total: 'counter',
      agentwatch_sink_failures_total: 'counter',
      agentwatch_sink_retries_total: 'counter',
      agentwatch_sink_queued_alerts: 'gauge',
      agentwatch_sink_queued_bytes: 'gauge',
      agentwatch_sink_oldest_queued_age_seconds: 'gauge',
      agentwatch_sink_disabled: 'gauge',
      agentwatch_agents_tracked: 'gauge',
      agentwatch_agents_learning: 'gauge',
      agentwatch_baseline_state_bytes: 'gauge',
      agentwatch_state_bytes: 'gauge',
      agentwatch_peer_groups_tracked: 'gauge',
      agentwatch_agents_evicted_total: 'counter',
      agentwatch_peer_groups_evicted_total: 'counter',
      agentwatch_alerts_held_in_grace_total: 'counter',
      agentwatch_changelog_snapshots_trimmed_total: 'counter',
      agentwatch_events_relearn_skipped_total: 'counter',
      agentwatch_events_duplicate_total: 'counter',
      agentwatch_reload_records_rejected_total: 'counter',
      agentwatch_ready: 'gauge',
    });
    expect(await samples(a)).toContain('agentwatch_events_consumed_total{outcome="accepted"} 5');
    expect(await samples(b)).toContain('agentwatch_events_consumed_total{outcome="accepted"} 0');
  });

  it('has the series alerting rules rely on from the start, at 0', async () => {
    const m = new PrometheusMetrics({ defaultMetrics: false });
    m.declareSinks(['kafka']);
    const s = await samples(m);
    for (const reason of ['too_large', 'not_json', 'schema', 'bad_time'])
      expect(s).toContain(`agentwatch_events_consumed_total{outcome="rejected",reason="${reason}"} 0`);
    expect(s).toContain('agentwatch_changelog_flush_failures_total 0');
    expect(s).toContain('agentwatch_sink_failures_total{sink="kafka"} 0');
    expect(s).toContain('agentwatch_sink_retries_total{sink="kafka"} 0');
    // Kafka has no queue: acknowledged before the offsets move, nothing waits.
    expect(s).toContain('agentwatch_sink_queued_alerts{sink="kafka"} 0');
    expect(s).toContain('agentwatch_ready 0');
    expect(s).toContain('agentwatch_agents_evicted_total 0');
  });

  it('reports the engine’s evictions and state bytes as it counts them', async () => {
    const m = new PrometheusMetrics({ defaultMetrics: false });
    const engine = {
      agentCount: 3,
      learningAgentCount: () => 0,
      stateBytesApprox: 12_345,
      peerGroupCount: 2,
      stats: { evictedAgents: 7, evictedClasses: 1, graceHeld: 4 },
    };
    m.observeEngine(engine);
    expect(await samples(m)).toEqual(
      expect.arrayContaining([
        'agentwatch_agents_evicted_total 7',
        'agentwatch_peer_groups_evicted_total 1',
        'agentwatch_alerts_held_in_grace_total 4',
        'agentwatch_state_bytes 12345',
        'agentwatch_peer_groups_tracked 2',
      ]),
    );
    engine.stats.evictedAgents = 10;
    expect(await samples(m)).toContain('agentwatch_agents_evicted_total 10');
  });

  it('reads the engine and readiness at scrape time, and estimates state bytes from the last flush', async () => {
    const m = new PrometheusMetrics({ defaultMetrics: false });
    const engine = { agentCount: 10, learningAgentCount: () => 4 };
    let ready = false;
    m.observeEngine(engine);
    m.observeReadiness(() => ready);
    expect(await samples(m)).toEqual(
      expect.arrayContaining(['agentwatch_agents_tracked 10', 'agentwatch_agents_learning 4', 'agentwatch_baseline_state_bytes 34000', 'agentwatch_ready 0']),
    );
    m.changelogFlushed(0.02, true, 4, 10_000);
    engine.agentCount = 12;
    ready = true;
    expect(await samples(m)).toEqual(
      expect.arrayContaining([
        'agentwatch_agents_tracked 12',
        'agentwatch_baseline_state_bytes 30000',
        'agentwatch_ready 1',
        'agentwatch_changelog_records_total 4',
        'agentwatch_changelog_bytes_total 10000',
      ]),
    );
    m.changelogFlushed(0.5, false, 0, 0);
    expect(await samples(m)).toContain('agentwatch_changelog_flush_failures_total 1');
  });

  it('labels with bounded values only, and drops the lag of revoked partitions', async () => {
    const m = new PrometheusMetrics({ defaultMetrics: false });
    m.alertRaised('rate_spike', 'high');
    m.alertRaised('rate_spike', 'high');
    m.eventsRejected('schema', 3);
    m.deadLettered('schema', 3);
    m.partitionsAssigned([0, 1, 2]);
    m.consumerLag(0, 12);
    m.consumerLag(2, -1);
    m.partitionsAssigned([0, 1]);
    m.alertLatency(-3);
    const s = await samples(m);
    expect(s).toContain('agentwatch_alerts_total{detector="rate_spike",severity="high"} 2');
    expect(s).toContain('agentwatch_events_consumed_total{outcome="rejected",reason="schema"} 3');
    expect(s).toContain('agentwatch_dead_letters_total{reason="schema"} 3');
    expect(s).toContain('agentwatch_partitions_assigned 2');
    expect(s).toContain('agentwatch_consumer_lag_messages{partition="0"} 12');
    expect(s.some((l) => l.startsWith('agentwatch_consumer_lag_messages{partition="2"}'))).toBe(false);
    expect(s).toContain('agentwatch_event_to_alert_seconds_bucket{le="0.005"} 1'); // clamped to 0
  });

  it('registers Node’s default metrics unprefixed unless told not to', async () => {
    const text = await new PrometheusMetrics().registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(await new PrometheusMetrics({ defaultMetrics: false }).registry.metrics()).not.toMatch(/^process_/m);
  });
});
