import type { Span } from '@opentelemetry/api';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { Engine } from '../core/engine.js';
import { ChangelogWriteError, ConsumerCrashedError, type InvalidEventError } from '../core/errors.js';
import { EventTimeGuard } from '../core/events/event-time-guard.js';
import type { Verdict } from '../core/feedback/verdict.js';
import { FeedbackListener } from '../feedback/feedback-topic.js';
import { type Config, eventTimeLimits } from '../config/config-schema.js';
import { snapshotRecords } from '../kafka/changelog-records.js';
import { writeChangelog } from '../kafka/changelog-writer.js';
import { withKafkaRetries } from '../kafka/kafka-retry.js';
import { maxMessageBytes, requestBudgetBytes } from '../kafka/topic-limits.js';
import { restoreFromChangelog } from '../kafka/changelog-restore.js';
import { KafkaEventSource, type KafkaSourceBatch, eventPosition } from '../sources/kafka/kafka-event-source.js';
import type { AuditEvent } from '../core/events/audit-event.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import type { LogFormat } from '../formats/log-format.js';
import { ensureTopics } from '../kafka/ensure-topics.js';
import type { AlertRouter } from '../sinks/alert-router.js';
import type { Readiness } from '../telemetry/metrics-server.js';
import { type ReloadMetrics, ReloadKind, noopReloadMetrics } from '../telemetry/reload-metrics.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import { contextOf, endSpan } from '../telemetry/tracing.js';
import { alertMessage } from '../sinks/kafka/alert-message.js';
import { BatchOutbox } from '../sinks/kafka/batch-outbox.js';
import { startBatchSpan, startFlushSpan } from '../telemetry/live-spans.js';

export interface LiveStats {
  consumed: number;
  accepted: number;
  rejected: Record<string, number>;
  /** Opening alerts (new incidents). */
  alerts: number;
  /** Messages on the alerts topic: opening alerts, updates and resolutions. */
  alertMessages: number;
  flushes: number;
  restoredAgents: number;
  lastFlushMs: number;
  /** Events read again whose agent had learned them already (after a restart, rebalance or lost commit). */
  relearnSkipped: number;
}

export interface LiveLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error?(msg: string, fields?: Record<string, unknown>): void;
}

export interface LivePipelineOptions {
  metrics?: PipelineMetrics;
  /** Where alert messages go (`alerts.sinks`); none: all to the alerts topic. Its writes are awaited before offsets move. */
  router?: AlertRouter;
  /** Changelog records set aside on restore are counted here (agentwatch_reload_records_rejected_total). */
  reload?: ReloadMetrics;
}

/**
 * `agentwatch run`: the engine of replay behind a Kafka consumer group.
 *
 * Consistency (at-least-once, the Kafka Streams model): alerts of a batch are acknowledged
 * (acks=-1) before the batch returns; every `run.flushIntervalMs` the changed baselines go to
 * the compacted changelog (acks=-1, on the partition number of the input partition they were
 * learned from) and only then are input offsets committed. A restarted or re-assigned partition
 * restores its agents from the changelog before its first event and resumes at the committed
 * offset: the state it restores is the state at that offset, so nothing learned is lost, and
 * events re-processed since then re-raise alerts with their original deterministic ids
 * (duplicates recognisable downstream). Live events are processed in arrival order per
 * partition; replay restores event-time order, so the two agree on in-order input.
 */
export class LivePipeline {
  readonly engine: Engine;
  readonly stats: LiveStats = {
    consumed: 0,
    accepted: 0,
    rejected: {},
    alerts: 0,
    alertMessages: 0,
    flushes: 0,
    restoredAgents: 0,
    lastFlushMs: 0,
    relearnSkipped: 0,
  };
  private source: KafkaEventSource | undefined;
  private producer: Producer | undefined;
  private readonly agentPartition = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** Agents the engine forgot since the last flush, with their partition: tombstoned in the changelog (issue 13). */
  private readonly tombstones = new Map<string, number>();
  /** Next offset to commit per partition (processed up to, exclusive). */
  private readonly positions = new Map<number, string>();
  private readonly restoring = new Map<number, Promise<void>>();
  /**
   * Per partition: which event times are trusted (a window around the partition's watermark and
   * the wall clock), and the watermark itself, which resolves its agents' quiet incidents. One
   * agent cannot drag it (issue 12).
   */
  private readonly partitionTime = new Map<number, EventTimeGuard>();
  /** Per partition: the last minute of its watermark at which silent agents were judged (Engine.tick). */
  private readonly partitionTicked = new Map<number, number>();
  /** Request budgets from the topics' max.message.bytes (read at start). */
  private changelogBudget = 0;
  private deadLetterBudget = 0;
  private alertsBudget = 0;
  private feedback: FeedbackListener | undefined;
  private assigned = new Set<number>();
  /** Assigned partitions whose baselines are restored (readiness). */
  private readonly restoredPartitions = new Set<number>();
  private readonly metrics: PipelineMetrics;
  private readonly router: AlertRouter | undefined;
  private readonly reload: ReloadMetrics;
  /** input.format: one log format for every message, or undefined to recognise each message's own. */
  private readonly format: LogFormat | undefined;
  private lastFlushAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private crashed: ((err: Error) => void) | undefined;
  private stopping = false;
  private failed = false;
  /** The changelog write and commit in progress, if any (one at a time). */
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config,
    baselines: DeclaredBaselines,
    private readonly log: LiveLog,
    opts: LivePipelineOptions = {},
  ) {
    // Incidents resolve by each partition's own event-time clock (see processBatch).
    this.engine = new Engine(config.engine, baselines, { resolveByStreamClock: false, onEvict: (id) => this.evicted(id) });
    this.format = resolveFormatChoice(config.input.format);
    this.metrics = opts.metrics ?? noopPipelineMetrics;
    this.metrics.observeEngine(this.engine);
    this.metrics.observeReadiness(() => this.readiness().ready);
    this.router = opts.router;
    this.reload = opts.reload ?? noopReloadMetrics;
    this.metrics.declareSinks(this.router?.names ?? ['kafka']);
  }

  /** Connects, joins the group and consumes until `stop()`; rejects if the consumer dies. */
  async start(): Promise<void> {
    const k = this.config.kafka;
    const admin = this.kafka.admin();
    await withKafkaRetries(() => admin.connect());
    try {
      if (k.createTopics) await ensureTopics(admin, k);
      // Requests are sized from what each topic accepts, whoever created it (issue 12).
      const limits = await withKafkaRetries(() => maxMessageBytes(admin, [k.topics.baselines, k.topics.deadLetter, k.topics.alerts]));
      this.changelogBudget = requestBudgetBytes(limits.get(k.topics.baselines) as number);
      this.deadLetterBudget = requestBudgetBytes(limits.get(k.topics.deadLetter) as number);
      this.alertsBudget = requestBudgetBytes(limits.get(k.topics.alerts) as number);
    } finally {
      await admin.disconnect();
    }
    // The Java client's partitioner (murmur2), so agents land where any other producer puts them.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await withKafkaRetries(() => (this.producer as Producer).connect());
    const source = new KafkaEventSource(this.kafka, k, {
      limits: { maxEventBytes: this.config.input.maxEventBytes, maxDocumentBytes: this.config.input.maxDocumentBytes },
      format: this.format,
      deadLetterBytes: this.deadLetterBudget,
      onAssignment: (partitions) => this.onAssignment(partitions),
      onCrash: (err) => void this.fail(err),
      log: this.log,
    });
    this.source = source;
    await source.connect();
    this.feedback = new FeedbackListener(this.kafka, k.topics.feedback, k.groupId, (v) => this.serial(() => this.applyVerdict(v)), this.log);
    await withKafkaRetries(() => (this.feedback as FeedbackListener).start());
    this.lastFlushAt = Date.now();
    this.flushTimer = setInterval(() => void this.serial(() => this.flushIfDue()), Math.min(1000, this.config.run.flushIntervalMs));
    await source.run((b) => this.serial(() => this.onBatch(b)));
  }

  /**
   * The consumer is gone for good (retries exhausted, a fatal error): stop the timers, save what
   * was learned (the changelog may run ahead of the committed offsets: re-read events are
   * recognised by their agents' input positions), let go of every connection, and reject
   * `running` so that the process exits non-zero within seconds and is restarted.
   */
  private async fail(err: Error): Promise<void> {
    if (this.failed || this.stopping) return;
    this.failed = true;
    this.stopping = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.log.error?.('the Kafka consumer stopped for good; saving baselines and exiting', { error: err.message });
    const bounded = <T>(p: Promise<T> | undefined, ms: number) => Promise.race([p?.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
    await bounded(this.flushing, 5_000);
    await bounded(
      this.writeChangelog([...this.dirty], this.tombstones).then(() => undefined),
      5_000,
    );
    await bounded(this.feedback?.stop(), 2_000);
    await bounded(this.source?.disconnect(), 2_000);
    await bounded(this.producer?.disconnect(), 2_000);
    this.crashed?.(new ConsumerCrashedError(`the Kafka consumer stopped: ${err.message}`, { cause: err }));
  }

  /** Rejects when the consumer crashes for good (the CLI then exits non-zero). */
  readonly running: Promise<never> = new Promise<never>((_, reject) => (this.crashed = reject));

  /** Graceful stop: finish the batch, flush baselines, commit, leave the group. */
  async stop(): Promise<void> {
    if (this.failed) return;
    if (this.flushTimer) clearInterval(this.flushTimer);
    // Batches fetched from now on are left for the next owner; the flush and commit happen while
    // the consumer is still a group member (kafkajs cannot commit once stopped).
    this.stopping = true;
    await this.flushing?.catch(() => undefined);
    // A last flush that fails is an error (exit non-zero), never a quiet "stopped" (issue 12).
    const last = await this.serial(() => this.flush()).then(
      () => undefined,
      (err: unknown) => err,
    );
    this.crashed = undefined;
    if (last !== undefined) {
      await this.source?.disconnect().catch(() => undefined);
      await this.producer?.disconnect().catch(() => undefined);
      await this.feedback?.stop().catch(() => undefined);
      throw last;
    }
    await this.feedback?.stop();
    await this.source?.stop();
    await this.source?.disconnect();
    await this.producer?.disconnect();
    this.log.info('stopped', { consumed: this.stats.consumed, alerts: this.stats.alerts, flushes: this.stats.flushes });
  }

  /** Batches, timer flushes and the final flush never interleave: the engine is not re-entrant. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.busy.then(task, task);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private onAssignment(partitions: number[]): void {
    const now = new Set(partitions);
    for (const p of this.assigned) {
      if (now.has(p)) continue;
      // Revoked: forget its agents; their state as of the last commit is in the changelog.
      for (const [agentId, ap] of this.agentPartition) {
        if (ap !== p) continue;
        this.engine.dropAgent(agentId);
        this.agentPartition.delete(agentId);
        this.dirty.delete(agentId);
      }
      // Its next owner writes its changelog now: a late tombstone from here would delete what it learns.
      for (const [agentId, tp] of this.tombstones) if (tp === p) this.tombstones.delete(agentId);
      this.positions.delete(p);
      this.partitionTime.delete(p);
      this.partitionTicked.delete(p);
      this.restoring.delete(p);
      this.restoredPartitions.delete(p);
    }
    const added = partitions.filter((p) => !this.assigned.has(p));
    this.assigned = now;
    this.metrics.partitionsAssigned(partitions);
    this.log.info('partitions assigned', { partitions, restoring: added });
    if (added.length) this.startRestore(added);
  }

  private startRestore(partitions: number[]): Promise<void> {
    const restore = this.restore(partitions);
    for (const p of partitions) this.restoring.set(p, restore);
    // A failed restore is reported by the batch that awaits it; here it only keeps readiness off.
    restore.then(
      () => partitions.forEach((p) => this.assigned.has(p) && this.restoredPartitions.add(p)),
      () => undefined,
    );
    return restore;
  }

  private async restore(partitions: number[]): Promise<void> {
    const k = this.config.kafka;
    const r = await restoreFromChangelog(this.kafka, k.topics.baselines, partitions, k.groupId);
    for (const [agentId, { partition, snapshot }] of r.snapshots) {
      if (!this.assigned.has(partition)) continue;
      this.engine.restoreAgent(snapshot);
      this.agentPartition.set(agentId, partition);
    }
    this.stats.restoredAgents += r.snapshots.size;
    this.metrics.baselinesRestored(r.ms / 1000, r.snapshots.size);
    this.log.info('baselines restored', { partitions, agents: r.snapshots.size, records: r.records, ms: Math.round(r.ms) });
    if (r.invalid > 0) this.reload.rejected(ReloadKind.Changelog, r.invalid);
    if (r.invalid > 0) this.log.warn('changelog records set aside: not a snapshot of their key’s agent', { partitions, records: r.invalid });
  }

  /** True once every assigned partition has its baselines restored (for /readyz). */
  async restored(): Promise<boolean> {
    if (this.assigned.size === 0) return false;
    await Promise.all([...this.restoring.values()]);
    return true;
  }

  /** For /readyz, synchronous: connected, partitions assigned, and all their baselines restored. */
  readiness(): Readiness {
    if (!this.source?.connected || this.stopping) return { ready: false, reason: this.stopping ? 'stopping' : 'not connected to Kafka' };
    if (!this.source.member) return { ready: false, reason: 'not a member of the consumer group (joining or rebalancing)' };
    if (this.assigned.size === 0) return { ready: false, reason: 'no partitions assigned' };
    const pending = [...this.assigned].filter((p) => !this.restoredPartitions.has(p));
    if (pending.length) return { ready: false, reason: `restoring the baselines of partitions ${pending.join(',')}` };
    return { ready: true, reason: `partitions ${[...this.assigned].join(',')} assigned, baselines restored` };
  }

  private async onBatch(batch: KafkaSourceBatch): Promise<void> {
    if (this.stopping) return;
    await (this.restoring.get(batch.partition) ?? this.startRestore([batch.partition]));
    const started = performance.now();
    const span = startBatchSpan(batch.batch);
    try {
      await this.processBatch(batch, span);
      endSpan(span);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    this.metrics.batchProcessed((performance.now() - started) / 1000);
    await this.flushIfDue();
  }

  private async processBatch(batch: KafkaSourceBatch, span: Span): Promise<void> {
    const partition = batch.partition;
    const outbox = new BatchOutbox(this.config.kafka.topics, this.metrics, contextOf(span), this.router, {
      alerts: this.alertsBudget,
      deadLetters: this.deadLetterBudget,
    });
    const accepted = this.stats.accepted;
    const skippedBefore = this.engine.stats.relearnedSkipped;
    const duplicatesBefore = this.engine.stats.duplicates;
    let time = this.partitionTime.get(partition);
    if (time === undefined) this.partitionTime.set(partition, (time = new EventTimeGuard(eventTimeLimits(this.config.input))));
    const guard = time;
    // Once per event the partition's clock is compared with when its next tick is due (issue 16, item 4: per-event cost).
    let tickDueMs = this.tickDueMs(partition);
    const processed = batch.read({
      consumed: () => void this.stats.consumed++,
      events: (events, first, message) => {
        const wallMs = Date.now();
        let outOfRange: InvalidEventError | undefined;
        for (let i = 0; i < events.length; i++) {
          const event = events[i] as AuditEvent;
          const position = eventPosition(first, i);
          const known = this.engine.agent(event.agentId);
          if (known !== undefined && known.inputPosition >= position) {
            // Learned before a restart or a lost commit: neither the clock nor the counts move again.
            this.engine.process(event, wallMs, position, known);
            continue;
          }
          const timeError = guard.check(event.agentId, event.timeMs, wallMs);
          if (timeError) {
            outOfRange ??= timeError;
            continue;
          }
          this.stats.accepted++;
          this.agentPartition.set(event.agentId, partition);
          // Back after an eviction within the same flush interval: its new snapshot, not the tombstone.
          if (this.tombstones.size > 0) this.tombstones.delete(event.agentId);
          this.dirty.add(event.agentId);
          // A resolution returned here was closed by this event's clock, not triggered by it.
          const alerts = this.engine.process(event, wallMs, position, known);
          for (let a = 0; a < alerts.length; a++) {
            const alert = alerts[a] as Alert;
            outbox.addAlert(alert, alert.status === 'resolved' ? undefined : message);
          }
          const clockMs = guard.clockMs;
          if (clockMs >= tickDueMs) {
            this.tickPartition(partition, clockMs, outbox);
            tickDueMs = this.tickDueMs(partition);
          }
        }
        return outOfRange;
      },
      reject: (err, deadLetter) => {
        this.stats.rejected[err.reason] = (this.stats.rejected[err.reason] ?? 0) + 1;
        outbox.addDeadLetter(deadLetter, err.reason);
      },
    });
    const clock = time.clockMs;
    if (processed !== undefined && Number.isFinite(clock)) {
      for (const alert of this.engine.resolveQuiet(clock, Date.now(), (id) => this.agentPartition.get(id) === partition)) {
        this.dirty.add(alert.agentId);
        outbox.addAlert(alert);
      }
    }
    const duplicates = this.engine.stats.duplicates - duplicatesBefore;
    if (duplicates > 0) this.metrics.eventsDuplicate(duplicates);
    const skipped = this.engine.stats.relearnedSkipped - skippedBefore;
    if (skipped > 0) {
      this.stats.relearnSkipped += skipped;
      this.metrics.eventsRelearnSkipped(skipped);
    }
    this.metrics.eventsAccepted(this.stats.accepted - accepted);
    for (const [reason, n] of Object.entries(outbox.rejected)) this.metrics.eventsRejected(reason, n);
    span.setAttributes({
      'agentwatch.events.accepted': this.stats.accepted - accepted,
      'agentwatch.events.rejected': outbox.deadLetterCount,
      'agentwatch.alerts': outbox.alertCount,
    });
    // A sink whose queue is full makes this wait: heartbeats keep the group membership meanwhile
    // (issue 12: a wait longer than sessionTimeout cost the membership, and events were counted twice).
    await batch.keepingMembership(outbox.deliver(this.producer as Producer));
    this.stats.alerts += outbox.openingCount;
    this.stats.alertMessages += outbox.alertCount;
    if (processed !== undefined) {
      const next = BigInt(processed) + 1n;
      this.positions.set(partition, next.toString());
      this.metrics.consumerLag(partition, Number(BigInt(batch.highWatermark) - next));
    }
    await batch.heartbeat();
  }

  /**
   * Silent agents are judged by their partition's watermark (as replay's: the clock less the
   * reorder window), once per `engine.tickIntervalMs` of it and within a batch too, so a backlog read in large
   * batches is judged minute by minute as replay judges it. The scan covers the partition's agents.
   */
  /**
   * The partition clock from which `tickPartition` may judge again: the next multiple of the
   * tick interval after the last one judged, plus the reorder window, less a millisecond so that
   * the division's rounding can never make it late (tickPartition decides exactly).
   */
  private tickDueMs(partition: number): number {
    const ticked = this.partitionTicked.get(partition);
    return ticked === undefined ? Number.NEGATIVE_INFINITY : (ticked + 1) * this.engine.tickIntervalMs + this.config.input.latenessMs - 1;
  }

  private tickPartition(partition: number, clockMs: number, outbox: BatchOutbox): void {
    const watermark = clockMs - this.config.input.latenessMs;
    const step = Math.floor(watermark / this.engine.tickIntervalMs);
    if (!(step > (this.partitionTicked.get(partition) ?? Number.NEGATIVE_INFINITY))) return;
    this.partitionTicked.set(partition, step);
    for (const alert of this.engine.tick(watermark, Date.now(), (id) => this.agentPartition.get(id) === partition)) {
      this.dirty.add(alert.agentId);
      outbox.addAlert(alert);
    }
  }

  /** An analyst's verdict from the feedback topic: applied if its alert's agent is here (else kept for when it is raised). */
  private async applyVerdict(verdict: Verdict): Promise<void> {
    const agentId = this.engine.agentOfAlert(verdict.alertId);
    const messages = this.engine.addVerdict(verdict, Date.now());
    if (agentId === undefined) return;
    this.dirty.add(agentId);
    this.log.info('verdict applied', { alertId: verdict.alertId, verdict: verdict.verdict });
    if (messages.length === 0 || this.producer === undefined) return;
    const topic = this.config.kafka.topics.alerts;
    const router = this.router;
    const toTopic = router ? messages.filter((a) => router.toKafka(a)) : messages;
    const writes = router ? messages.map((a) => router.write(a)) : [];
    if (toTopic.length) await this.producer.send({ topic, acks: -1, messages: toTopic.map((a) => alertMessage(a)) });
    await Promise.all(writes);
  }

  private async flushIfDue(): Promise<void> {
    if (this.flushing === undefined && !this.stopping && Date.now() - this.lastFlushAt >= this.config.run.flushIntervalMs) this.flush().catch(() => undefined);
  }

  /**
   * Changed baselines to the changelog (acknowledged), then offsets: never the other way round.
   * The snapshots and the offsets they correspond to are taken here, between two batches; the
   * writes run beside the next batches, so a flush does not stall the stream (it did: hundreds
   * of milliseconds every interval at the p99 of event-to-alert latency). Rejects when the
   * changelog could not be written (the agents stay dirty for the next flush).
   */
  private flush(): Promise<void> {
    this.lastFlushAt = Date.now();
    const agents = [...this.dirty];
    this.dirty.clear();
    const tombstones = new Map(this.tombstones);
    this.tombstones.clear();
    const offsets = [...this.positions].filter(([p]) => this.assigned.has(p)).map(([partition, offset]) => ({ partition, offset }));
    const done = this.writeFlush(agents, tombstones, offsets).finally(() => {
      if (this.flushing === done) this.flushing = undefined;
    });
    this.flushing = done;
    return done;
  }

  /**
   * An agent the engine forgot (idle, over the agent cap or the memory budget): its maps here
   * are pruned and its changelog record tombstoned, so that a restore does not bring it back.
   */
  private evicted(agentId: string): void {
    const partition = this.agentPartition.get(agentId);
    this.agentPartition.delete(agentId);
    this.dirty.delete(agentId);
    if (partition !== undefined) this.tombstones.set(agentId, partition);
  }

  /** Snapshots of `agents` (and the pending tombstones) to the changelog in bounded requests; resolves with the records and bytes written. */
  private async writeChangelog(agents: readonly string[], tombstones: ReadonlyMap<string, number> = new Map()): Promise<{ records: number; bytes: number }> {
    const built = snapshotRecords(this.engine, agents, (id) => this.agentPartition.get(id), this.changelogBudget);
    for (const [key, partition] of tombstones) built.records.push({ key, value: null, partition });
    if (built.trimmed > 0) {
      this.metrics.snapshotsTrimmed(built.trimmed);
      this.log.warn('snapshots trimmed to fit the changelog', {
        agents: built.trimmed,
        entriesDropped: built.droppedEntries,
        budgetBytes: this.changelogBudget,
      });
    }
    if (built.records.length === 0) return { records: 0, bytes: 0 };
    await writeChangelog(this.producer as Producer, this.config.kafka.topics.baselines, built.records, this.changelogBudget);
    return { records: built.records.length, bytes: built.bytes };
  }

  private async writeFlush(agents: string[], tombstones: Map<string, number>, offsets: { partition: number; offset: string }[]): Promise<void> {
    const started = Date.now();
    const span = startFlushSpan(this.config.kafka.topics.baselines);
    let written: { records: number; bytes: number };
    try {
      written = await this.writeChangelog(agents, tombstones);
    } catch (err) {
      // Nothing is committed; the agents are flushed again next time.
      for (const a of agents) this.dirty.add(a);
      for (const [a, p] of tombstones) if (!this.agentPartition.has(a)) this.tombstones.set(a, p);
      this.metrics.changelogFlushed((Date.now() - started) / 1000, false, 0, 0);
      this.log.warn('changelog flush failed', { error: (err as Error).message, agents: agents.length });
      endSpan(span, err);
      throw new ChangelogWriteError(`cannot write ${agents.length} baselines to ${this.config.kafka.topics.baselines}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (offsets.length && this.source) {
      try {
        await this.source.commit(offsets);
      } catch (err) {
        // A rebalance in progress: the next owner resumes from the previous commit, with the
        // baselines just flushed (ahead of it); their input positions say which events they
        // have learned, so nothing is counted twice and alerts repeat with their ids at most.
        this.metrics.offsetCommitFailed();
        this.log.warn('offset commit failed', { error: (err as Error).message });
      }
    }
    this.stats.flushes++;
    this.stats.lastFlushMs = Date.now() - started;
    this.metrics.changelogFlushed(this.stats.lastFlushMs / 1000, true, written.records, written.bytes);
    span.setAttributes({ 'messaging.batch.message_count': written.records, 'agentwatch.flush.bytes': written.bytes });
    endSpan(span);
  }
}
