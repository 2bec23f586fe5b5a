import { type ReloadMetrics, prometheusReloadMetrics } from './reload-metrics.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RejectReason } from '../core/errors.js';
import type { EngineGauges, PipelineMetrics, SinkQueueGauges } from './pipeline-metrics.js';

/**
 * Serialized size of one agent's baseline before any flush has measured it (README: about
 * 3.4 KB). Used only until the first changelog flush with records.
 */
const DEFAULT_SNAPSHOT_BYTES = 3_400;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RESTORE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * PipelineMetrics over prom-client, in a registry of its own (not the global one, so two
 * pipelines in one process, as in tests, never share counters). Names follow the Prometheus
 * conventions: `agentwatch_` prefix, `_total` counters, base units (`_seconds`, `_bytes`).
 * Node's default metrics (`process_*`, `nodejs_*`) are registered unprefixed, as every Node
 * dashboard expects them.
 */
export class PrometheusMetrics implements PipelineMetrics {
  readonly registry = new Registry();
  private engine: EngineGauges | undefined;
  private ready: (() => boolean) | undefined;
  private bytesPerAgent = DEFAULT_SNAPSHOT_BYTES;
  private owned = new Set<string>();
  private readonly queues = new Map<string, SinkQueueGauges>();
  private readonly declaredSinks = new Set<string>();

  private readonly events = new Counter({
    name: 'agentwatch_events_consumed_total',
    help: 'Events consumed, by outcome (accepted, rejected) and, for rejected ones, reason.',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'agentwatch_dead_letters_total',
    help: 'Rejected messages acknowledged on the dead-letter topic, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly alerts = new Counter({
    name: 'agentwatch_alerts_total',
    help: 'Alerts raised, by detector and severity.',
    labelNames: ['detector', 'severity'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'agentwatch_event_to_alert_seconds',
    help: "From the triggering message's Kafka timestamp to the alert's acknowledgement on the alerts topic (live only).",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly batches = new Histogram({
    name: 'agentwatch_batch_duration_seconds',
    help: 'Time to process one batch: a Kafka fetch (live) or a block of lines (replay), alerts and dead letters acknowledged.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'agentwatch_consumer_lag_messages',
    help: 'Messages of an assigned input partition not yet processed: high watermark minus next offset, as of the last batch.',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  private readonly partitions = new Gauge({
    name: 'agentwatch_partitions_assigned',
    help: 'Input partitions assigned to this instance.',
    registers: [this.registry],
  });
  private readonly restores = new Histogram({
    name: 'agentwatch_baseline_restore_duration_seconds',
    help: "Time to restore newly assigned partitions' baselines from the changelog.",
    buckets: RESTORE_BUCKETS,
    registers: [this.registry],
  });
  private readonly restoredAgents = new Counter({
    name: 'agentwatch_baselines_restored_total',
    help: 'Agent baselines restored from the changelog.',
    registers: [this.registry],
  });
  private readonly flushes = new Histogram({
    name: 'agentwatch_changelog_flush_duration_seconds',
    help: 'Time to write changed baselines to the changelog and commit offsets.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly flushFailures = new Counter({
    name: 'agentwatch_changelog_flush_failures_total',
    help: 'Changelog flushes that failed (the instance then stops and restores on restart).',
    registers: [this.registry],
  });
  private readonly flushRecords = new Counter({
    name: 'agentwatch_changelog_records_total',
    help: 'Baseline snapshots written to the changelog.',
    registers: [this.registry],
  });
  private readonly flushBytes = new Counter({
    name: 'agentwatch_changelog_bytes_total',
    help: 'Bytes of baseline snapshots written to the changelog.',
    registers: [this.registry],
  });
  private readonly commitFailures = new Counter({
    name: 'agentwatch_offset_commit_failures_total',
    help: 'Offset commits that failed (a rebalance in progress: events are re-processed, alerts repeat with their ids).',
    registers: [this.registry],
  });
  private readonly trimmed = new Counter({
    name: 'agentwatch_changelog_snapshots_trimmed_total',
    help: 'Agent snapshots too large for one changelog request, sent without their least recently seen resources, permissions or places.',
    registers: [this.registry],
  });
  private readonly relearnSkipped = new Counter({
    name: 'agentwatch_events_relearn_skipped_total',
    help: 'Events read again (after a restart, a rebalance or a lost commit) that their agent had already learned: not counted twice.',
    registers: [this.registry],
  });
  private readonly duplicates = new Counter({
    name: 'agentwatch_events_duplicate_total',
    help: 'Events delivered again (same id and time for the same agent, within engine.duplicates.windowMs): counted here, learned once.',
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'agentwatch_sink_deliveries_total',
    help: 'Alerts delivered (acknowledged), by sink.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'agentwatch_sink_failures_total',
    help: 'Alert deliveries that failed for good, by sink.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'agentwatch_sink_retries_total',
    help: 'Failed delivery attempts that were retried, by sink (kafka: every send of the shared producer, alerts, dead letters and changelog).',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });

  /** Records read back and set aside (changelog, spool, journal): one counter per registry. */
  readonly reload: ReloadMetrics;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    // Series that alerting rules and dashboards rely on exist from the start, at 0.
    this.reload = prometheusReloadMetrics(this.registry);
    this.events.inc({ outcome: 'accepted' }, 0);
    for (const reason of Object.values(RejectReason)) {
      this.events.inc({ outcome: 'rejected', reason }, 0);
      this.deadLetters.inc({ reason }, 0);
    }
    this.gauge('agentwatch_agents_tracked', 'Agents with a baseline in this instance.', () => this.engine?.agentCount ?? 0);
    this.gauge(
      'agentwatch_agents_learning',
      'Agents whose learned detectors are still silent (learning period or minimum events not reached).',
      () => this.engine?.learningAgentCount() ?? 0,
    );
    this.gauge(
      'agentwatch_baseline_state_bytes',
      `Estimated size of the baselines held: agents tracked times the mean serialized snapshot size of the last changelog flush (${DEFAULT_SNAPSHOT_BYTES} bytes per agent before the first one).`,
      () => Math.round((this.engine?.agentCount ?? 0) * this.bytesPerAgent),
    );
    this.gauge(
      'agentwatch_state_bytes',
      'Approximate heap bytes of all learned state (agents, peer groups, remembered values), bounded by engine.maxStateBytes.',
      () => this.engine?.stateBytesApprox ?? 0,
    );
    this.gauge('agentwatch_peer_groups_tracked', 'Peer groups (agentClass) with a baseline in this instance.', () => this.engine?.peerGroupCount ?? 0);
    // Counters read from the engine at scrape time: it counts, the adapter reports.
    const engine = () => this.engine;
    let evictedAgents = 0;
    let evictedClasses = 0;
    new Counter({
      name: 'agentwatch_agents_evicted_total',
      help: 'Agents forgotten by this instance: idle past engine.agentIdleForgetMs, over engine.maxAgents, or over the memory budget engine.maxStateBytes (least recently active first).',
      registers: [this.registry],
      collect() {
        const n = engine()?.stats?.evictedAgents ?? 0;
        if (n > evictedAgents) this.inc(n - evictedAgents);
        evictedAgents = Math.max(evictedAgents, n);
      },
    });
    new Counter({
      name: 'agentwatch_peer_groups_evicted_total',
      help: 'Peer groups forgotten: idle, or over the memory budget.',
      registers: [this.registry],
      collect() {
        const n = engine()?.stats?.evictedClasses ?? 0;
        if (n > evictedClasses) this.inc(n - evictedClasses);
        evictedClasses = Math.max(evictedClasses, n);
      },
    });
    let graceHeld = 0;
    new Counter({
      name: 'agentwatch_alerts_held_in_grace_total',
      help: 'Learned alerts not raised because their agent was in a grace period: after a deploy (engine.grace.deployActions) or in a declared maintenance window. agentwatch inspect shows them per agent and detector.',
      registers: [this.registry],
      collect() {
        const n = engine()?.stats?.graceHeld ?? 0;
        if (n > graceHeld) this.inc(n - graceHeld);
        graceHeld = Math.max(graceHeld, n);
      },
    });
    this.sinkGauge(
      'agentwatch_sink_queued_alerts',
      "Alerts waiting in a sink's delivery queue (persisted, not yet acknowledged by the receiver).",
      (q) => q.queued,
    );
    this.sinkGauge('agentwatch_sink_queued_bytes', "Bytes of the alerts waiting in a sink's delivery queue.", (q) => q.queuedBytes);
    this.sinkGauge(
      'agentwatch_sink_oldest_queued_age_seconds',
      "Age of the oldest alert waiting in a sink's delivery queue (0 when empty): how long the receiver has been behind.",
      (q) => q.oldestQueuedSeconds(),
    );
    this.sinkGauge(
      'agentwatch_sink_disabled',
      '1 when a sink is disabled (its receiver answered 410 Gone); its alerts stay queued until the configuration is fixed and agentwatch restarted.',
      (q) => (q.disabled ? 1 : 0),
    );
    this.gauge('agentwatch_ready', '1 when the instance is ready (as /readyz): connected, partitions assigned, their baselines restored.', () =>
      this.ready?.() ? 1 : 0,
    );
  }

  eventsAccepted(n: number): void {
    if (n > 0) this.events.inc({ outcome: 'accepted' }, n);
  }

  eventsRejected(reason: string, n: number): void {
    if (n > 0) this.events.inc({ outcome: 'rejected', reason }, n);
  }

  deadLettered(reason: string, n: number): void {
    if (n > 0) this.deadLetters.inc({ reason }, n);
  }

  alertRaised(detector: string, severity: string): void {
    this.alerts.inc({ detector, severity });
  }

  alertLatency(seconds: number): void {
    // A producer clock ahead of ours would give a negative latency.
    this.latency.observe(Math.max(0, seconds));
  }

  batchProcessed(seconds: number): void {
    this.batches.observe(seconds);
  }

  consumerLag(partition: number, messages: number): void {
    this.lag.set({ partition: String(partition) }, Math.max(0, messages));
  }

  partitionsAssigned(partitions: readonly number[]): void {
    this.partitions.set(partitions.length);
    // A revoked partition's lag is its new owner's to report.
    const owned = new Set(partitions.map(String));
    for (const p of this.owned) if (!owned.has(p)) this.lag.remove({ partition: p });
    this.owned = owned;
  }

  baselinesRestored(seconds: number, agents: number): void {
    this.restores.observe(seconds);
    this.restoredAgents.inc(agents);
  }

  changelogFlushed(seconds: number, ok: boolean, records: number, bytes: number): void {
    if (!ok) {
      this.flushFailures.inc();
      return;
    }
    this.flushes.observe(seconds);
    this.flushRecords.inc(records);
    this.flushBytes.inc(bytes);
    if (records > 0) this.bytesPerAgent = bytes / records;
  }

  snapshotsTrimmed(n: number): void {
    this.trimmed.inc(n);
  }

  eventsRelearnSkipped(n: number): void {
    this.relearnSkipped.inc(n);
  }

  eventsDuplicate(n: number): void {
    this.duplicates.inc(n);
  }

  offsetCommitFailed(): void {
    this.commitFailures.inc();
  }

  declareSinks(sinks: readonly string[]): void {
    for (const sink of sinks) {
      this.declaredSinks.add(sink);
      this.deliveries.inc({ sink }, 0);
      this.failures.inc({ sink }, 0);
      this.retries.inc({ sink }, 0);
    }
  }

  sinkDelivered(sink: string, n: number): void {
    if (n > 0) this.deliveries.inc({ sink }, n);
  }

  sinkFailed(sink: string): void {
    this.failures.inc({ sink });
  }

  sinkRetried(sink: string): void {
    this.retries.inc({ sink });
  }

  /** A gauge read at scrape time (the engine is never touched between scrapes). */
  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A gauge with a `sink` label per observed queue, read at scrape time. */
  private sinkGauge(name: string, help: string, read: (q: SinkQueueGauges) => number): void {
    const queues = this.queues;
    const declared = this.declaredSinks;
    new Gauge({
      name,
      help,
      labelNames: ['sink'] as const,
      registers: [this.registry],
      collect() {
        // A sink without a queue (kafka: acknowledged before the offsets move) has nothing waiting.
        for (const sink of declared) if (!queues.has(sink)) this.set({ sink }, 0);
        for (const [sink, q] of queues) this.set({ sink }, read(q));
      },
    });
  }

  observeSinkQueue(sink: string, queue: SinkQueueGauges): void {
    this.queues.set(sink, queue);
  }

  observeEngine(engine: EngineGauges): void {
    this.engine = engine;
  }

  observeReadiness(ready: () => boolean): void {
    this.ready = ready;
  }
}
