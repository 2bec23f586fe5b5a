import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import type { AlertSink } from '../../src/sinks/alert-sink.js';
import { ALL_ALERTS, AlertRouter, RoutedSink, routeAccepts } from '../../src/sinks/alert-router.js';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';
import { testAlert } from '../helpers/alert-fixture.js';

const memory = (name: string): AlertSink & { got: Alert[] } => {
  const got: Alert[] = [];
  return { name, got, write: (a) => void got.push(a), close: async () => {} };
};

describe('alert routing', () => {
  const low = testAlert(1, { severity: 'low' });
  const high = testAlert(2, { severity: 'high' });
  const critical = testAlert(3, { severity: 'critical', detector: 'new_permission' });
  const update = testAlert(2, { severity: 'high', status: 'update' });
  const resolved = testAlert(2, { severity: 'high', status: 'resolved' });
  const legacy = testAlert(4, { severity: 'high' });
  delete legacy.status;

  it('by minimum severity', () => {
    const route = { ...ALL_ALERTS, minSeverity: 'high' as const };
    expect([low, high, critical].filter((a) => routeAccepts(route, a))).toEqual([high, critical]);
  });

  it('by detector (empty: all)', () => {
    const route = { ...ALL_ALERTS, detectors: ['new_permission' as const] };
    expect([low, high, critical].filter((a) => routeAccepts(route, a))).toEqual([critical]);
    expect([low, high, critical].every((a) => routeAccepts(ALL_ALERTS, a))).toBe(true);
  });

  it('by lifecycle status; a message without status is an opening one', () => {
    const route = { ...ALL_ALERTS, statuses: ['open' as const] };
    expect([high, update, resolved, legacy].filter((a) => routeAccepts(route, a))).toEqual([high, legacy]);
    expect(routeAccepts({ ...ALL_ALERTS, statuses: ['resolved'] }, resolved)).toBe(true);
  });

  it('fans out to the accepting sinks only, counts deliveries by sink, and asks which go to Kafka', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const pager = memory('pager');
    const everything = memory('everything');
    const router = new AlertRouter(
      [new RoutedSink(pager, { ...ALL_ALERTS, minSeverity: 'critical' }, metrics), new RoutedSink(everything, ALL_ALERTS, metrics)],
      { ...ALL_ALERTS, statuses: ['open'] },
    );
    metrics.declareSinks(router.names);
    for (const a of [low, high, critical, resolved]) expect(router.write(a)).toBeUndefined();
    expect(pager.got).toEqual([critical]);
    expect(everything.got).toEqual([low, high, critical, resolved]);
    expect([low, high, critical, resolved].map((a) => router.toKafka(a))).toEqual([true, true, true, false]);
    expect(router.names).toEqual(['kafka', 'pager', 'everything']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('agentwatch_sink_deliveries_total{sink="pager"} 1');
    expect(text).toContain('agentwatch_sink_deliveries_total{sink="everything"} 4');
    expect(text).toContain('agentwatch_sink_deliveries_total{sink="kafka"} 0');
    expect(new AlertRouter([], undefined).toKafka(high)).toBe(false);
  });

  it('returns the writes to await (back-pressure, persistence) and fails when one fails', async () => {
    let release: () => void = () => {};
    const slow: AlertSink = { name: 'slow', write: () => new Promise<void>((r) => (release = r)), close: async () => {} };
    const broken: AlertSink = { name: 'broken', write: () => Promise.reject(new Error('disk full')), close: async () => {} };
    const waiting = new AlertRouter([new RoutedSink(slow, ALL_ALERTS)], undefined).write(high);
    expect(waiting).toBeInstanceOf(Promise);
    let done = false;
    void waiting?.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    release();
    await waiting;
    await expect(new AlertRouter([new RoutedSink(slow, ALL_ALERTS), new RoutedSink(broken, ALL_ALERTS)], undefined).write(high)).rejects.toThrow('disk full');
  });
});
