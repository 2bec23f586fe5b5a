import { type Consumer, type EachBatchPayload, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { type Alert } from '../core/alerts/alert.js';
import { type DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { Engine } from '../core/engine.js';
import { InvalidEventError, RejectReason } from '../core/errors.js';
import { toAuditEvent } from '../core/events/decode-audit-event.js';
import { type Config } from '../config/config-schema.js';
import { restoreFromChangelog } from '../kafka/changelog-restore.js';
import { deadLetterMessage } from '../kafka/dead-letter.js';
import { ensureTopics } from '../kafka/ensure-topics.js';

export interface LiveStats {
  consumed: number;
  accepted: number;
  rejected: Record<string, number>;
  alerts: number;
  flushes: number;
  restoredAgents: number;
  lastFlushMs: number;
}

export interface LiveLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
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
  readonly stats: LiveStats = { consumed: 0, accepted: 0, rejected: {}, alerts: 0, flushes: 0, restoredAgents: 0, lastFlushMs: 0 };
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly agentPartition = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** Next offset to commit per partition (processed up to, exclusive). */
  private readonly positions = new Map<number, string>();
  private readonly restoring = new Map<number, Promise<void>>();
  private assigned = new Set<number>();
  private lastFlushAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private crashed: ((err: Error) => void) | undefined;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config,
    baselines: DeclaredBaselines,
    private readonly log: LiveLog,
  ) {
    this.engine = new Engine(config.engine, baselines);
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
    consumer.on(consumer.events.CRASH, (e) => this.crashed?.(e.payload.error));
    await consumer.connect();
    await consumer.subscribe({ topics: [k.topics.input], fromBeginning: true });
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
    await this.serial(() => this.flush());
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
      this.restoring.delete(p);
    }
    const added = partitions.filter((p) => !this.assigned.has(p));
    this.assigned = now;
    this.log.info('partitions assigned', { partitions, restoring: added });
    if (added.length) {
      const restore = this.restore(added);
      for (const p of added) this.restoring.set(p, restore);
    }
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
    this.log.info('baselines restored', { partitions, agents: r.snapshots.size, records: r.records, ms: Math.round(r.ms) });
  }

  /** True once every assigned partition has its baselines restored (for /readyz). */
  async restored(): Promise<boolean> {
    if (this.assigned.size === 0) return false;
    await Promise.all([...this.restoring.values()]);
    return true;
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.stopping) return;
    const k = this.config.kafka;
    const partition = batch.partition;
    let restoring = this.restoring.get(partition);
    if (!restoring) {
      restoring = this.restore([partition]);
      this.restoring.set(partition, restoring);
    }
    await restoring;
    const alerts: Message[] = [];
    const deadLetters: Message[] = [];
    const maxBytes = this.config.input.maxEventBytes;
    let processed: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      this.stats.consumed++;
      try {
        const value = message.value;
        if (value === null) throw new InvalidEventError(RejectReason.Schema, 'message has no value (tombstone)');
        if (value.length > maxBytes) throw new InvalidEventError(RejectReason.TooLarge, `message is ${value.length} bytes, over the ${maxBytes} limit`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(value.toString('utf8'));
        } catch (cause) {
          throw new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause });
        }
        const event = toAuditEvent(parsed);
        this.stats.accepted++;
        this.agentPartition.set(event.agentId, partition);
        this.dirty.add(event.agentId);
        for (const alert of this.engine.process(event, Date.now())) alerts.push(this.alertMessage(alert));
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        this.stats.rejected[err.reason] = (this.stats.rejected[err.reason] ?? 0) + 1;
        deadLetters.push(deadLetterMessage({ topic: batch.topic, partition, message, groupId: k.groupId, reason: err.reason, error: err.message }));
      }
      processed = message.offset;
    }
    const sends: { topic: string; messages: Message[] }[] = [];
    if (alerts.length) sends.push({ topic: k.topics.alerts, messages: alerts });
    if (deadLetters.length) sends.push({ topic: k.topics.deadLetter, messages: deadLetters });
    if (sends.length) await (this.producer as Producer).sendBatch({ topicMessages: sends, acks: -1 });
    this.stats.alerts += alerts.length;
    if (processed !== undefined) this.positions.set(partition, (BigInt(processed) + 1n).toString());
    await heartbeat();
    await this.flushIfDue();
  }

  private alertMessage(alert: Alert): Message {
    return { key: alert.agentId, value: JSON.stringify(alert), headers: { 'agentwatch-alert-id': alert.id, 'agentwatch-detector': alert.detector } };
  }

  private async flushIfDue(): Promise<void> {
    if (Date.now() - this.lastFlushAt >= this.config.run.flushIntervalMs) await this.flush();
  }

  /** Changed baselines to the changelog (acknowledged), then offsets: never the other way round. */
  private async flush(): Promise<void> {
    const started = Date.now();
    this.lastFlushAt = started;
    const k = this.config.kafka;
    if (this.dirty.size > 0) {
      const messages: Message[] = [];
      for (const agentId of this.dirty) {
        const snapshot = this.engine.snapshotAgent(agentId);
        const partition = this.agentPartition.get(agentId);
        if (snapshot === undefined || partition === undefined) continue;
        messages.push({ key: agentId, value: JSON.stringify(snapshot), partition });
      }
      await (this.producer as Producer).send({ topic: k.topics.baselines, messages, acks: -1 });
      this.dirty.clear();
    }
    const offsets = [...this.positions].filter(([p]) => this.assigned.has(p)).map(([partition, offset]) => ({ topic: k.topics.input, partition, offset }));
    if (offsets.length && this.consumer) {
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (err) {
        // A rebalance in progress: the next owner resumes from the previous commit, with the
        // baselines just flushed (ahead of it): nothing is lost; alerts may repeat with their ids.
        this.log.warn('offset commit failed', { error: (err as Error).message });
      }
    }
    this.stats.flushes++;
    this.stats.lastFlushMs = Date.now() - started;
  }
}
