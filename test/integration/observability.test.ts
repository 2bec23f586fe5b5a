// agentwatch run observed from outside, on a real broker: a real Prometheus scrapes its /metrics
// while a fleet flows (every dashboard and alerting-rule expression must return data), the
// metric names and label sets are checked (never an agent id), spans are recorded by the
// OpenTelemetry SDK (in-memory exporter) with W3C trace context from the input headers to the
// alert messages, and /readyz waits for the baselines to be restored.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type IHeaders, type Kafka, type Message, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import type { Config } from '../../src/config/config-schema.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import type { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { detectorRegistry } from '../../src/core/detectors/registry.js';
import { RejectReason } from '../../src/core/errors.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { replay } from '../../src/pipeline/replay.js';
import { MetricsServer } from '../../src/telemetry/metrics-server.js';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';
import { ROOT } from '../helpers/cli.js';
import { consumeUntil, isolatedConfig, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import {
  PROMETHEUS_BIN,
  RULES_FILE,
  TestPrometheus,
  asProbe,
  dashboardExpressions,
  grafanaToPromQL,
  prometheusAvailable,
  ruleExpressions,
} from '../helpers/prometheus.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };

/** Label names each agentwatch metric may carry (histograms' `_bucket` series add `le`). */
const LABELS: Record<string, readonly string[]> = {
  agentwatch_events_consumed_total: ['outcome', 'reason'],
  agentwatch_dead_letters_total: ['reason'],
  agentwatch_alerts_total: ['detector', 'severity'],
  agentwatch_event_to_alert_seconds: [],
  agentwatch_batch_duration_seconds: [],
  agentwatch_consumer_lag_messages: ['partition'],
  agentwatch_partitions_assigned: [],
  agentwatch_baseline_restore_duration_seconds: [],
  agentwatch_baselines_restored_total: [],
  agentwatch_changelog_flush_duration_seconds: [],
  agentwatch_changelog_flush_failures_total: [],
  agentwatch_changelog_records_total: [],
  agentwatch_changelog_bytes_total: [],
  agentwatch_offset_commit_failures_total: [],
  agentwatch_sink_deliveries_total: ['sink'],
  agentwatch_sink_failures_total: ['sink'],
  agentwatch_sink_retries_total: ['sink'],
  agentwatch_sink_queued_alerts: ['sink'],
  agentwatch_sink_queued_bytes: ['sink'],
  agentwatch_sink_oldest_queued_age_seconds: ['sink'],
  agentwatch_sink_disabled: ['sink'],
  agentwatch_agents_tracked: [],
  agentwatch_agents_learning: [],
  agentwatch_baseline_state_bytes: [],
  agentwatch_ready: [],
  agentwatch_state_bytes: [],
  agentwatch_peer_groups_tracked: [],
  agentwatch_agents_evicted_total: [],
  agentwatch_peer_groups_evicted_total: [],
  agentwatch_changelog_snapshots_trimmed_total: [],
  agentwatch_events_relearn_skipped_total: [],
  agentwatch_events_duplicate_total: [],
  agentwatch_reload_records_rejected_total: ['what'],
  agentwatch_alerts_held_in_grace_total: [],
};

/** The values each label may take: all bounded, none from the events themselves. */
const VALUES: Record<string, readonly string[]> = {
  outcome: ['accepted', 'rejected'],
  reason: Object.values(RejectReason),
  detector: detectorRegistry.map((d) => d.name),
  severity: ['low', 'medium', 'high', 'critical'],
  partition: ['0', '1', '2'],
  sink: ['kafka'],
  what: ['changelog', 'spool', 'journal'],
};

/** `name{a="x",b="y"} value` lines of an exposition as name, labels and value. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`unparsable sample: ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
      return { name: m[1] as string, labels: labels as Record<string, string>, value: Number(m[3]) };
    });
}

function baseName(name: string): string {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && base in LABELS ? base : name;
}

/** Deterministic producer trace contexts (on every other event: the rest carry none). */
const producerContext = (i: number) => ({
  traceId: `4bf92f3577b34da6${(i + 1).toString(16).padStart(16, '0')}`,
  spanId: `00f067aa${(i + 1).toString(16).padStart(8, '0')}`,
});

describeKafka('observability: agentwatch run scraped by a real Prometheus, traced, probed', { timeout: 240_000 }, () => {
  const brokers = kafkaBrokers() as string;
  const hasPrometheus = prometheusAvailable(PROMETHEUS_BIN);
  // What an operator's SDK set-up does, registered in beforeAll (no context manager: agentwatch
  // passes every parent context explicitly, none is taken from the active context).
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const traced = new Map<string, { traceId: string; spanId: string }>();
  let lines: string[] = [];
  let agentIds: string[] = [];
  let baselinesDir = '';
  let baselines: DeclaredBaselines;
  let config: Config;
  let kafka: Kafka;
  let metrics: PrometheusMetrics;
  let pipeline: LivePipeline;
  let server: MetricsServer;
  let url = '';
  let readyBeforeStart = 0;
  let prometheus: TestPrometheus | undefined;
  const poison: Message[] = [
    { key: 'poison', value: '{"not json' },
    { key: 'poison', value: JSON.stringify({ id: 'bad', time: 'later', agentId: 'poison', category: 'api_call', action: 'x' }) },
    { key: 'poison', value: 'x'.repeat(70_000) },
    { key: 'poison', value: null },
  ];

  beforeAll(async () => {
    exporter.reset();
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    expect(propagation.setGlobalPropagator(new W3CTraceContextPropagator())).toBe(true);
    const fleet = createFleet({ seed: 5, agents: 8, days: 10, scale: 0.1, anomalyRate: 4, lateFraction: 0, veryLateFraction: 0 });
    lines = [...fleet.lines()];
    const events = lines.map((l) => JSON.parse(l) as { id: string; agentId: string });
    agentIds = [...new Set(events.map((e) => e.agentId))];
    baselinesDir = join(mkdtempSync(join(tmpdir(), 'aw-obs-')), 'baselines');
    mkdirSync(baselinesDir);
    writeFileSync(join(baselinesDir, 'fleet.yaml'), fleet.baselinesYaml());
    baselines = loadBaselinesDir(baselinesDir).baselines;
    // Which events trigger alerts (replay raises the same): the first one's producer sends no
    // trace context, the second one's does, so both ways an alert span gets its parent are seen.
    const reference: Alert[] = [];
    writeFileSync(join(baselinesDir, '..', 'events.jsonl'), `${lines.join('\n')}\n`);
    await replay({
      files: [join(baselinesDir, '..', 'events.jsonl')],
      config: isolatedConfig(brokers),
      baselines,
      sinks: [{ name: 'memory', write: (a) => void (a.status === 'open' && reference.push(a)), close: async () => {} }],
    });
    expect(reference.length).toBeGreaterThanOrEqual(3);
    const [untracedTrigger, tracedTrigger] = reference.map((a) => a.eventId);

    config = isolatedConfig(brokers, { partitions: 3 });
    kafka = testKafka(config);
    metrics = new PrometheusMetrics();
    pipeline = new LivePipeline(kafka, config, baselines, quiet, { metrics });
    pipeline.running.catch(() => undefined);
    server = new MetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, readiness: () => pipeline.readiness() });
    url = await server.start();
    readyBeforeStart = (await fetch(`${url}/readyz`)).status;
    if (hasPrometheus) prometheus = await TestPrometheus.start(new URL(url).host, [RULES_FILE]);
    await pipeline.start();

    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages: Message[] = lines.map((value, i) => {
      const event = events[i] as { id: string; agentId: string };
      const headers: IHeaders = {};
      if (event.id === tracedTrigger || (i % 2 === 0 && event.id !== untracedTrigger)) {
        const ctx = producerContext(i);
        traced.set(event.id, ctx);
        headers['traceparent'] = `00-${ctx.traceId}-${ctx.spanId}-01`;
      }
      return { key: event.agentId, value, headers };
    });
    for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic: config.kafka.topics.input, messages: messages.slice(i, i + 2000), acks: -1 });
    await producer.send({ topic: config.kafka.topics.input, messages: poison, acks: -1 });
    await producer.disconnect();
    const total = lines.length + poison.length;
    for (let i = 0; i < 1800 && pipeline.stats.consumed < total; i++) await sleep(100);
    expect(pipeline.stats.consumed).toBe(total);
    await sleep(1000); // a changelog flush after the last batch
  }, 240_000);

  afterAll(async () => {
    await pipeline?.stop().catch(() => undefined);
    await server?.close();
    await prometheus?.stop();
    exporter.reset();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it.skipIf(!hasPrometheus)('Prometheus scrapes it: every dashboard and alerting-rule expression returns data, the rules evaluate cleanly', async () => {
    const p = prometheus as TestPrometheus;
    const accepted = async () => Number((await p.query('sum(agentwatch_events_consumed_total{outcome="accepted"})'))[0]?.value[1]);
    for (let i = 0; i < 600 && (await accepted()) !== pipeline.stats.accepted; i++) await sleep(100);
    expect(await accepted()).toBe(pipeline.stats.accepted);
    await sleep(4000); // a few more scrapes and rule evaluations: rate() windows hold several samples

    const targets = await p.api<{ activeTargets: { health: string; lastError: string }[] }>('targets');
    expect(targets.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);

    const empty: string[] = [];
    const dashboard = dashboardExpressions();
    for (const { panel, expr } of dashboard) {
      const q = grafanaToPromQL(expr);
      if ((await p.query(q)).length === 0) empty.push(`dashboard "${panel}": ${q}`);
    }
    const rules = ruleExpressions();
    for (const { alert, expr } of rules) {
      const q = asProbe(expr);
      if ((await p.query(q)).length === 0) empty.push(`rule ${alert}: ${q}`);
    }
    expect(empty).toEqual([]);
    expect(dashboard.length).toBeGreaterThanOrEqual(30);
    expect(rules.length).toBe(15);

    const loaded = await p.api<{ groups: { rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[] }>('rules');
    const evaluated = loaded.groups.flatMap((g) => g.rules);
    expect(evaluated.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert).sort());
    for (const r of evaluated) expect([r.name, r.health, r.lastError ?? '']).toEqual([r.name, 'ok', '']);

    // What Prometheus stored is what the pipeline counted.
    const value = async (q: string) => Number((await p.query(q))[0]?.value[1]);
    expect(await value('sum(agentwatch_alerts_total)')).toBe(pipeline.stats.alerts);
    expect(await value('sum(agentwatch_dead_letters_total)')).toBe(poison.length);
    expect(await value('sum(agentwatch_event_to_alert_seconds_count)')).toBe(pipeline.stats.alerts);
    expect(await value('agentwatch_ready')).toBe(1);
    const series = await p.api<Record<string, string>[]>('series', { 'match[]': '{__name__=~"agentwatch_.+"}' });
    for (const s of series) {
      const labels = Object.keys(s).filter((k) => !['__name__', 'job', 'instance', 'le'].includes(k));
      expect(LABELS[baseName(s['__name__'] as string)], s['__name__']).toEqual(expect.arrayContaining(labels));
      for (const v of Object.values(s)) expect(agentIds).not.toContain(v);
    }
  });

  it('exports the metrics of the issue, with bounded labels only: never an agent id', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(agentIds.length).toBeGreaterThan(0);
    for (const id of agentIds) expect(text).not.toContain(id);
    const samples = parseExposition(text);
    const ours = samples.filter((s) => s.name.startsWith('agentwatch_'));
    expect(new Set(ours.map((s) => baseName(s.name)))).toEqual(new Set(Object.keys(LABELS)));
    for (const s of ours) {
      const allowed = [...(LABELS[baseName(s.name)] ?? []), ...(s.name.endsWith('_bucket') ? ['le'] : [])];
      expect(allowed, `${s.name} ${JSON.stringify(s.labels)}`).toEqual(expect.arrayContaining(Object.keys(s.labels)));
      for (const [label, v] of Object.entries(s.labels)) if (label !== 'le') expect(VALUES[label], `${s.name} ${label}`).toContain(v);
    }
    const value = (name: string, labels: Record<string, string> = {}) =>
      ours.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
    expect(value('agentwatch_events_consumed_total', { outcome: 'accepted' })).toBe(lines.length);
    expect(
      ours
        .filter((s) => s.name === 'agentwatch_events_consumed_total' && s.labels['outcome'] === 'rejected' && s.value > 0)
        .map((s) => [s.labels['reason'], s.value])
        .sort(),
    ).toEqual([
      ['not_json', 1],
      ['schema', 2],
      ['too_large', 1],
    ]);
    expect(value('agentwatch_alerts_total')).toBe(pipeline.stats.alerts);
    expect(pipeline.stats.alerts).toBeGreaterThanOrEqual(3);
    expect(value('agentwatch_sink_deliveries_total', { sink: 'kafka' })).toBe(pipeline.stats.alertMessages);
    expect(value('agentwatch_agents_tracked')).toBe(agentIds.length);
    expect(value('agentwatch_agents_learning')).toBe(pipeline.engine.learningAgentCount());
    expect(value('agentwatch_partitions_assigned')).toBe(3);
    expect(
      ours
        .filter((s) => s.name === 'agentwatch_consumer_lag_messages')
        .map((s) => [s.labels['partition'], s.value])
        .sort(),
    ).toEqual([
      ['0', 0],
      ['1', 0],
      ['2', 0],
    ]);
    expect(value('agentwatch_changelog_records_total')).toBeGreaterThanOrEqual(agentIds.length);
    expect(value('agentwatch_baseline_state_bytes')).toBeGreaterThan(0);
    expect(value('agentwatch_batch_duration_seconds_count')).toBeGreaterThan(0);
    expect(value('agentwatch_changelog_flush_failures_total')).toBe(0);
    expect(value('agentwatch_ready')).toBe(1);
    expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('traces batches, alerts, deliveries and flushes; an alert continues its event’s trace and carries traceparent', async () => {
    const messages = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => all.length >= pipeline.stats.alertMessages);
    expect(messages.length).toBe(pipeline.stats.alertMessages);
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const batches = named('agentwatch.batch');
    const batchIds = new Set(batches.map((s) => s.spanContext().spanId));
    const alertSpans = new Map(named('agentwatch.alert').map((s) => [s.spanContext().spanId, s]));
    expect(alertSpans.size).toBe(pipeline.stats.alertMessages);

    let continued = 0;
    let fromBatch = 0;
    for (const m of messages) {
      const alert = JSON.parse(String(m.value)) as Alert;
      const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(m.headers?.['traceparent']));
      expect(tp, `traceparent of ${alert.id}`).not.toBeNull();
      const span = alertSpans.get(tp![2] as string) as ReadableSpan;
      expect(span, alert.id).toBeDefined();
      expect(span.spanContext().traceId).toBe(tp![1]);
      expect(span.attributes).toMatchObject({
        'agentwatch.alert.id': alert.id,
        'agentwatch.detector': alert.detector,
        'agentwatch.severity': alert.severity,
        'agentwatch.event.id': alert.eventId,
      });
      // A resolution is sent by a batch, not by an event: it hangs from the batch.
      const producer = alert.status === 'resolved' ? undefined : traced.get(alert.eventId);
      if (producer) {
        expect([span.parentSpanContext?.traceId, span.parentSpanContext?.spanId]).toEqual([producer.traceId, producer.spanId]);
        continued++;
      } else {
        expect(batchIds.has(span.parentSpanContext?.spanId as string)).toBe(true);
        fromBatch++;
      }
    }
    expect(continued).toBeGreaterThan(0);
    expect(fromBatch).toBeGreaterThan(0);

    const producerTraces = new Set([...traced.values()].map((c) => c.traceId));
    for (const b of batches) {
      expect(b.kind).toBe(SpanKind.CONSUMER);
      expect(b.parentSpanContext).toBeUndefined();
      expect(b.attributes['messaging.destination.name']).toBe(config.kafka.topics.input);
      for (const l of b.links) expect(producerTraces.has(l.context.traceId)).toBe(true);
    }
    expect(batches.reduce((n, b) => n + Number(b.attributes['messaging.batch.message_count']), 0)).toBeGreaterThanOrEqual(lines.length + poison.length);
    expect(batches.reduce((n, b) => n + b.links.length, 0)).toBeGreaterThan(0);

    const deliveries = named('agentwatch.deliver');
    for (const d of deliveries) expect(batchIds.has(d.parentSpanContext?.spanId as string)).toBe(true);
    expect(deliveries.reduce((n, d) => n + Number(d.attributes['agentwatch.alerts']), 0)).toBe(pipeline.stats.alertMessages);
    expect(deliveries.reduce((n, d) => n + Number(d.attributes['agentwatch.dead_letters']), 0)).toBe(poison.length);

    const flushes = named('agentwatch.baseline.flush');
    expect(flushes.reduce((n, f) => n + Number(f.attributes['messaging.batch.message_count']), 0)).toBeGreaterThanOrEqual(agentIds.length);
    for (const s of [...batches, ...deliveries, ...flushes, ...alertSpans.values()]) expect(s.status.code, s.name).toBe(SpanStatusCode.UNSET);
  });

  it('`agentwatch run` itself serves /healthz, /readyz and /metrics, and stops on SIGTERM', async () => {
    const own = isolatedConfig(brokers);
    const env = runEnv(own, { AGENTWATCH_LOG_FORMAT: 'json' });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', 'run'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let endpoint: string | undefined;
      for (let i = 0; i < 600 && !endpoint; i++) {
        endpoint = log
          .split('\n')
          .map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; url?: string }) : {}))
          .find((e) => e.msg === 'serving /metrics, /healthz and /readyz')?.url;
        if (!endpoint) await sleep(100);
      }
      expect(endpoint, log).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${endpoint}/healthz`)).status).toBe(200);
      let ready = 0;
      for (let i = 0; i < 600 && ready !== 200; i++) {
        ready = (await fetch(`${endpoint}/readyz`)).status;
        if (ready !== 200) await sleep(100);
      }
      expect(ready).toBe(200);
      const text = await (await fetch(`${endpoint}/metrics`)).text();
      expect(text).toMatch(/^agentwatch_ready 1$/m);
      expect(text).toMatch(/^agentwatch_partitions_assigned 3$/m); // the topics it created (kafka.partitions)
      expect(text).toMatch(/^process_cpu_seconds_total /m);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('/readyz answers 503 until the assigned partitions’ baselines are restored, then 200', async () => {
    expect(readyBeforeStart).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await pipeline.stop();
    expect(await (await fetch(`${url}/readyz`)).text()).toBe('not ready: stopping\n');

    // A new instance restores what the first one flushed; /readyz is polled from before it starts.
    const logged: { at: number; msg: string }[] = [];
    const second = new LivePipeline(kafka, config, baselines, { info: (msg) => logged.push({ at: performance.now(), msg }), warn: () => {} });
    second.running.catch(() => undefined);
    const probe = new MetricsServer({
      host: '127.0.0.1',
      port: 0,
      registry: new PrometheusMetrics({ defaultMetrics: false }).registry,
      readiness: () => second.readiness(),
    });
    const probeUrl = await probe.start();
    const answers: { at: number; status: number; body: string }[] = [];
    const polling = (async () => {
      for (let i = 0; i < 3000; i++) {
        const r = await fetch(`${probeUrl}/readyz`);
        answers.push({ at: performance.now(), status: r.status, body: await r.text() });
        if (r.status === 200) return;
        await sleep(20);
      }
    })();
    try {
      await second.start();
      await polling;
    } finally {
      await second.stop();
      await probe.close();
    }
    const restoredAt = logged.find((l) => l.msg === 'baselines restored')?.at as number;
    expect(restoredAt).toBeDefined();
    expect(second.stats.restoredAgents).toBe(agentIds.length);
    expect(answers[0]?.status).toBe(503);
    const firstReady = answers.find((a) => a.status === 200);
    expect(firstReady?.body).toMatch(/^ready: partitions [0-2],[0-2],[0-2] assigned, baselines restored\n$/);
    expect(firstReady!.at).toBeGreaterThan(restoredAt);
    for (const a of answers.filter((x) => x.at < restoredAt)) expect(a.status).toBe(503);
    expect(answers.filter((a) => a.status === 503).map((a) => a.body.replace(/[0-9,]+$/m, 'N'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^not ready: (not connected to Kafka|no partitions assigned|restoring the baselines of partitions N)\n$/)]),
    );
  });
});
