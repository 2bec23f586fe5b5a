import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import { InvalidEventError } from '../../core/errors.js';
import type { AuditEvent } from '../../core/events/audit-event.js';
import type { Config } from '../../config/config-schema.js';
import type { LogFormat } from '../../formats/log-format.js';
import { withKafkaRetries } from '../../kafka/kafka-retry.js';
import { deadLetterMessage } from './dead-letter.js';
import { type MessageLimits, decodeKafkaValue, isDecodedMessage } from './decode-message.js';

/** How many messages are read between two asks of kafkajs's isStale() (the first message of a batch always asks). */
const STALE_CHECK_EVERY = 256;

/** An event's place in the partition: its message's offset × 2^16, then its record within the message. */
export function eventPosition(first: number, index: number): number {
  return first + Math.min(index, 65_535);
}

/** What the pipeline does with each message of a batch, in partition order. */
export interface MessageHandler {
  /** A message was read (before it is decoded). */
  consumed(): void;
  /**
   * The message's decoded events, in order, the i-th at `eventPosition(first, i)` (no object per
   * event on this path); returns the first event refused (e.g. out of the trusted time range),
   * which dead-letters the message after its other events were processed.
   */
  events(events: readonly AuditEvent[], first: number, message: KafkaMessage): InvalidEventError | undefined;
  /** The message, or some of its records, could not become events: its dead letter, for the outbox. */
  reject(err: InvalidEventError, deadLetter: Message): void;
}

export interface KafkaEventSourceOptions {
  limits: MessageLimits;
  /** input.format: one log format for every message, or undefined to recognise each message's own. */
  format: LogFormat | undefined;
  /** Request budget of the dead-letter topic (from its max.message.bytes). */
  deadLetterBytes: number;
  /** The partitions of the input topic this member now owns (on every group join). */
  onAssignment(partitions: number[]): void;
  /** The consumer is gone for good (retries exhausted, a fatal error). */
  onCrash(err: Error): void;
  log: { warn(msg: string, fields?: Record<string, unknown>): void };
}

/** One fetched batch of one partition, read message by message while the consumer still owns it. */
export class KafkaSourceBatch {
  private readonly one: AuditEvent[] = [];

  constructor(
    private readonly source: KafkaEventSource,
    private readonly payload: EachBatchPayload,
  ) {}

  get batch(): Batch {
    return this.payload.batch;
  }

  get partition(): number {
    return this.payload.batch.partition;
  }

  get highWatermark(): string {
    return this.payload.batch.highWatermark;
  }

  /** Hands each message to `handler` until the consumer stops or the group rebalances; returns the offset of the last message read. */
  read(handler: MessageHandler): string | undefined {
    const { batch, isRunning, isStale } = this.payload;
    const { limits, format } = this.source.options;
    const messages = batch.messages;
    let processed: string | undefined;
    for (let i = 0; i < messages.length; i++) {
      // kafkajs's isStale() looks the partition up in its seek table on every call (0.5 µs per
      // message, issue 16 item 4): asked at the batch's start and every STALE_CHECK_EVERY
      // messages, so at most that many more are read after a seek or a revocation, whose offsets
      // are then not committed (the next owner reads them again, as after any rebalance).
      if (i % STALE_CHECK_EVERY === 0 && (!isRunning() || isStale())) break;
      const message = messages[i] as KafkaMessage;
      handler.consumed();
      try {
        // A native message is one event, handed over in a reused one-element array; a
        // foreign-format message may hold several events, and some bad records (dead-lettered after).
        const decoded = decodeKafkaValue(message, limits, format);
        if (!isDecodedMessage(decoded)) {
          this.one[0] = decoded;
          const refused = handler.events(this.one, Number(message.offset) * 65_536, message);
          if (refused) throw refused;
        } else {
          const refused = handler.events(decoded.events, Number(message.offset) * 65_536, message);
          if (decoded.error) throw decoded.error;
          if (refused) throw refused;
        }
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        handler.reject(err, this.source.deadLetter(batch.topic, batch.partition, message, err));
      }
      processed = message.offset;
    }
    return processed;
  }

  heartbeat(): Promise<void> {
    return this.payload.heartbeat();
  }

  /** Awaits `work`, sending a heartbeat every few seconds meanwhile; a failed heartbeat (rebalance) only marks the member not ready. */
  keepingMembership<T>(work: Promise<T>): Promise<T> {
    return this.source.keepingMembership(work, this.payload.heartbeat);
  }
}

/**
 * The input topic as a source of audit events: one consumer-group member (no auto-commit: the
 * pipeline commits offsets once what they cover is acknowledged), its membership and assignment,
 * and each message decoded into positioned events or a dead letter.
 */
export class KafkaEventSource {
  /** A member of the consumer group (joined, not rebalancing): /readyz is false otherwise. */
  member = false;
  connected = false;
  private consumer: Consumer | undefined;
  private crashed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config['kafka'],
    readonly options: KafkaEventSourceOptions,
  ) {}

  /** Connects and subscribes to the input topic (from the beginning for a new group). */
  async connect(): Promise<void> {
    const k = this.config;
    const consumer = this.kafka.consumer({
      groupId: k.groupId,
      sessionTimeout: k.sessionTimeoutMs,
      maxBytesPerPartition: k.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      // kafkajs's retries ride out a short broker restart. Past them the consumer crashes and the
      // process exits (issue 12: a consumer restarted in-process stayed a zombie); the restarted
      // instance resumes from the committed offsets and the changelog.
      retry: {
        retries: k.retry.retries,
        initialRetryTime: k.retry.initialRetryTimeMs,
        maxRetryTime: k.retry.maxRetryTimeMs,
        restartOnFailure: async () => false,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.member = true;
      this.options.onAssignment(e.payload.memberAssignment[k.topics.input] ?? []);
    });
    consumer.on(consumer.events.REBALANCING, () => (this.member = false));
    consumer.on(consumer.events.STOP, () => (this.member = false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.connected = false;
      this.member = false;
      this.crashed = true;
      this.options.onCrash(e.payload.error);
    });
    consumer.on(consumer.events.CONNECT, () => (this.connected = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.connected = false));
    await withKafkaRetries(() => consumer.connect());
    await withKafkaRetries(() => consumer.subscribe({ topics: [k.topics.input], fromBeginning: true }));
  }

  /** Consumes until stopped, one batch at a time through `onBatch`; offsets move only by `commit`. */
  async run(onBatch: (batch: KafkaSourceBatch) => Promise<void>): Promise<void> {
    await (this.consumer as Consumer).run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (p) => onBatch(new KafkaSourceBatch(this, p)) });
  }

  /** Commits the next offsets to read per partition of the input topic. */
  async commit(offsets: readonly { partition: number; offset: string }[]): Promise<void> {
    if (offsets.length === 0 || this.consumer === undefined) return;
    const topic = this.config.topics.input;
    await this.consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset })));
  }

  /** Leaves the group (kafkajs cannot commit afterwards). */
  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  async disconnect(): Promise<void> {
    await this.consumer?.disconnect();
  }

  deadLetter(topic: string, partition: number, message: KafkaMessage, err: InvalidEventError): Message {
    return deadLetterMessage({
      topic,
      partition,
      message,
      groupId: this.config.groupId,
      reason: err.reason,
      error: err.message,
      maxBytes: this.options.deadLetterBytes,
    });
  }

  async keepingMembership<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    const everyMs = Math.max(500, Math.min(3_000, Math.floor(this.config.sessionTimeoutMs / 5)));
    let done = false;
    const beat = async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, everyMs));
        if (done) return;
        try {
          await heartbeat();
          if (!this.crashed) this.member = true;
        } catch (err) {
          this.member = false;
          this.options.log.warn('heartbeat failed while waiting for a sink', { error: (err as Error).message });
        }
      }
    };
    const beating = beat();
    try {
      return await work;
    } finally {
      done = true;
      void beating;
    }
  }
}
