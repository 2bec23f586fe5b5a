import { type Span } from '@opentelemetry/api';
import { type Consumer, type EachBatchPayload, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { type DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { Engine } from '../core/engine.js';
import { InvalidEventError } from '../core/errors.js';
import { type Verdict } from '../core/feedback/verdict.js';
import { FeedbackListener } from '../feedback/feedback-topic.js';
import { type Config } from '../config/config-schema.js';
import { restoreFromChangelog } from '../kafka/changelog-restore.js';
import { deadLetterMessage } from '../kafka/dead-letter.js';
import { decodeKafkaMessage } from '../kafka/decode-message.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import { type LogFormat } from '../formats/log-format.js';
import { ensureTopics } from '../kafka/ensure-topics.js';
import { type AlertRouter } from '../sinks/alert-router.js';
import { type Readiness } from '../telemetry/metrics-server.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import { contextOf, endSpan } from '../telemetry/tracing.js';
import { BatchOutbox } from './batch-outbox.js';
import { startBatchSpan, startFlushSpan } from './live-spans.js';

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
}

export interface LiveLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface LivePipelineOptions {
  metrics?: PipelineMetrics;
  /** Where alert messages go (`alerts.sinks`); none: all to the alerts topic. Its writes are awaited before offsets move. */
  router?: AlertRouter;
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
  readonly stats: LiveStats = { consumed: 0, accepted: 0, rejected: {}, alerts: 0, alertMessages: 0, flushes: 0, restoredAgents: 0, lastFlushMs: 0 };
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly agentPartition = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** Next offset to commit per partition (processed up to, exclusive). */
  private readonly positions = new Map<number, string>();
  private readonly restoring = new Map<number, Promise<void>>();
  /** Latest event time seen per partition: the clock that resolves its agents' quiet incidents. */
  private readonly partitionClock = new Map<number, number>();
  private feedback: FeedbackListener | undefined;
  private assigned = new Set<number>();
  /** Assigned partitions whose baselines are restored (readiness). */
  private readonly restoredPartitions = new Set<number>();
  private connected = false;
  private readonly metrics: PipelineMetrics;
  private readonly router: AlertRouter | undefined;
  /** input.format: one log format for every message, or undefined to recognise each message's own. */
  private readonly format: LogFormat | undefined;
  private lastFlushAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private crashed: ((err: Error) => void) | undefined;
  private stopping = false;
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
    this.engine = new Engine(config.engine, baselines, { resolveByStreamClock: false });
    this.format = resolveFormatChoice(config.input.format);
    this.metrics = opts.metrics ?? noopPipelineMetrics;
    this.metrics.observeEngine(this.engine);
    this.metrics.observeReadiness(() => this.readiness().ready);
    this.router = opts.router;
    this.metrics.declareSinks(this.router?.names ?? ['kafka']);
  }

  /** Connects, joins the group and consumes until `stop()`; rejects if the consumer dies. */
  async start(): Promise<void> {
    const k = this.config.kafka;
    if (k.createTopics) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, k);
      } finally {
        await admin.disconnect();
      }
    }
    // The Java client's partitioner (murmur2), so agents land where any other producer puts them.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: k.groupId,
      sessionTimeout: k.sessionTimeoutMs,
      maxBytesPerPartition: k.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      // A failed batch leaves the engine ahead of the committed offsets; restarting inside the
      // process would count those events twice. Crash instead: a restart restores from the changelog.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssignment(e.payload.memberAssignment[k.topics.input] ?? []));
    consumer.on(consumer.events.CRASH, (e) => {
      this.connected = false;
      this.crashed?.(e.payload.error);
    });
    consumer.on(consumer.events.CONNECT, () => (this.connected = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.connected = false));
    await consumer.connect();
    await consumer.subscribe({ topics: [k.topics.input], fromBeginning: true });
    this.feedback = new FeedbackListener(this.kafka, k.topics.feedback, k.groupId, (v) => this.serial(() => this.applyVerdict(v)), this.log);
    await this.feedback.start();
    this.lastFlushAt = Date.now();
    this.flushTimer = setInterval(() => void this.serial(() => this.flushIfDue()), Math.min(1000, this.config.run.flushIntervalMs));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (p) => this.serial(() => this.onBatch(p)) });
  }

  /** Rejects when the consumer crashes for good (the CLI then exits non-zero). */
  readonly running: Promise<never> = new Promise<never>((_, reject) => (this.crashed = reject));

  /** Graceful stop: finish the batch, flush baselines, commit, leave the group. */
  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.crashed = undefined;
    // Batches fetched from now on are left for the next owner; the flush and commit happen while
    // the consumer is still a group member (kafkajs cannot commit once stopped).
    this.stopping = true;
    await this.flushing;
    await this.serial(() => this.flush());
    await this.feedback?.stop();
    await this.consumer?.stop();
    await this.consumer?.disconnect();
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
      this.positions.delete(p);
      this.partitionClock.delete(p);
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
    restore.then(() => partitions.forEach((p) => this.assigned.has(p) && this.restoredPartitions.add(p)), () => undefined);
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
  }

  /** True once every assigned partition has its baselines restored (for /readyz). */
  async restored(): Promise<boolean> {
    if (this.assigned.size === 0) return false;
    await Promise.all([...this.restoring.values()]);
    return true;
  }

  /** For /readyz, synchronous: connected, partitions assigned, and all their baselines restored. */
  readiness(): Readiness {
    if (!this.connected || this.stopping) return { ready: false, reason: this.stopping ? 'stopping' : 'not connected to Kafka' };
    if (this.assigned.size === 0) return { ready: false, reason: 'no partitions assigned' };
    const pending = [...this.assigned].filter((p) => !this.restoredPartitions.has(p));
    if (pending.length) return { ready: false, reason: `restoring the baselines of partitions ${pending.join(',')}` };
    return { ready: true, reason: `partitions ${[...this.assigned].join(',')} assigned, baselines restored` };
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    const { batch } = payload;
    await (this.restoring.get(batch.partition) ?? this.startRestore([batch.partition]));
    const started = performance.now();
    const span = startBatchSpan(batch);
    try {
      await this.processBatch(payload, span);
      endSpan(span);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    this.metrics.batchProcessed((performance.now() - started) / 1000);
    await this.flushIfDue();
  }

  private async processBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload, span: Span): Promise<void> {
    const k = this.config.kafka;
    const partition = batch.partition;
    const outbox = new BatchOutbox(k.topics, this.metrics, contextOf(span), this.router);
    const accepted = this.stats.accepted;
    const limits = { maxEventBytes: this.config.input.maxEventBytes, maxDocumentBytes: this.config.input.maxDocumentBytes };
    let processed: string | undefined;
    let clock = this.partitionClock.get(partition) ?? Number.NEGATIVE_INFINITY;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      this.stats.consumed++;
      try {
        // A foreign-format message may hold several events, and some bad records (dead-lettered after).
        const decoded = decodeKafkaMessage(message, limits, this.format);
        for (const event of decoded.events) {
          this.stats.accepted++;
          this.agentPartition.set(event.agentId, partition);
          this.dirty.add(event.agentId);
          if (event.timeMs > clock) clock = event.timeMs;
          // A resolution returned here was closed by this event's clock, not triggered by it.
          for (const alert of this.engine.process(event, Date.now())) outbox.addAlert(alert, alert.status === 'resolved' ? undefined : message);
        }
        if (decoded.error) throw decoded.error;
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        this.stats.rejected[err.reason] = (this.stats.rejected[err.reason] ?? 0) + 1;
        outbox.addDeadLetter(deadLetterMessage({ topic: batch.topic, partition, message, groupId: k.groupId, reason: err.reason, error: err.message }), err.reason);
      }
      processed = message.offset;
    }
    if (processed !== undefined && Number.isFinite(clock)) {
      this.partitionClock.set(partition, clock);
      for (const alert of this.engine.resolveQuiet(clock, Date.now(), (id) => this.agentPartition.get(id) === partition)) {
        this.dirty.add(alert.agentId);
        outbox.addAlert(alert);
      }
    }
    this.metrics.eventsAccepted(this.stats.accepted - accepted);
    for (const [reason, n] of Object.entries(outbox.rejected)) this.metrics.eventsRejected(reason, n);
    span.setAttributes({ 'agentwatch.events.accepted': this.stats.accepted - accepted, 'agentwatch.events.rejected': outbox.deadLetterCount, 'agentwatch.alerts': outbox.alertCount });
    await outbox.deliver(this.producer as Producer);
    this.stats.alerts += outbox.openingCount;
    this.stats.alertMessages += outbox.alertCount;
    if (processed !== undefined) {
      const next = BigInt(processed) + 1n;
      this.positions.set(partition, next.toString());
      this.metrics.consumerLag(partition, Number(BigInt(batch.highWatermark) - next));
    }
    await heartbeat();
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
    if (toTopic.length) await this.producer.send({ topic, acks: -1, messages: toTopic.map((a) => ({ key: a.agentId, value: JSON.stringify(a), headers: { 'agentwatch-alert-id': a.id, 'agentwatch-detector': a.detector } })) });
    await Promise.all(writes);
  }

  private async flushIfDue(): Promise<void> {
    if (this.flushing === undefined && Date.now() - this.lastFlushAt >= this.config.run.flushIntervalMs) this.flush();
  }

  /**
   * Changed baselines to the changelog (acknowledged), then offsets: never the other way round.
   * The snapshots and the offsets they correspond to are taken here, between two batches; the
   * writes run beside the next batches, so a flush does not stall the stream (it did: hundreds
   * of milliseconds every interval at the p99 of event-to-alert latency).
   */
  private flush(): Promise<void> {
    this.lastFlushAt = Date.now();
    const k = this.config.kafka;
    const messages: Message[] = [];
    let bytes = 0;
    for (const agentId of this.dirty) {
      const snapshot = this.engine.snapshotAgent(agentId);
      const partition = this.agentPartition.get(agentId);
      if (snapshot === undefined || partition === undefined) continue;
      const value = JSON.stringify(snapshot);
      bytes += Buffer.byteLength(value);
      messages.push({ key: agentId, value, partition });
    }
    const agents = [...this.dirty];
    this.dirty.clear();
    const offsets = [...this.positions].filter(([p]) => this.assigned.has(p)).map(([partition, offset]) => ({ topic: k.topics.input, partition, offset }));
    const done = this.writeFlush(messages, bytes, offsets, agents).finally(() => {
      if (this.flushing === done) this.flushing = undefined;
    });
    this.flushing = done;
    return done;
  }

  private async writeFlush(messages: Message[], bytes: number, offsets: { topic: string; partition: number; offset: string }[], agents: string[]): Promise<void> {
    const started = Date.now();
    const span = startFlushSpan(this.config.kafka.topics.baselines);
    try {
      if (messages.length) await (this.producer as Producer).send({ topic: this.config.kafka.topics.baselines, messages, acks: -1 });
    } catch (err) {
      // Nothing is committed; the agents are flushed again next time.
      for (const a of agents) this.dirty.add(a);
      this.metrics.changelogFlushed((Date.now() - started) / 1000, false, 0, 0);
      this.log.warn('changelog flush failed', { error: (err as Error).message, agents: agents.length });
      endSpan(span, err);
      return;
    }
    if (offsets.length && this.consumer) {
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (err) {
        // A rebalance in progress: the next owner resumes from the previous commit, with the
        // baselines just flushed (ahead of it): nothing is lost; alerts may repeat with their ids.
        this.metrics.offsetCommitFailed();
        this.log.warn('offset commit failed', { error: (err as Error).message });
      }
    }
    this.stats.flushes++;
    this.stats.lastFlushMs = Date.now() - started;
    this.metrics.changelogFlushed(this.stats.lastFlushMs / 1000, true, messages.length, bytes);
    span.setAttributes({ 'messaging.batch.message_count': messages.length, 'agentwatch.flush.bytes': bytes });
    endSpan(span);
  }
}
