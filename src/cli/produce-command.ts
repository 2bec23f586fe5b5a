import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { loadConfig } from '../config/load-config.js';
import { InvalidEventError } from '../core/errors.js';
import { ensureTopic, kafkaStep as step } from '../kafka/ensure-topics.js';
import { createKafka } from '../kafka/kafka-client.js';
import { resolveFormatChoice, FORMAT_CHOICES } from '../formats/format-registry.js';
import { type DecodeSettings, openDecodedRecords } from '../sources/decoded-record-stream.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';
import { checkEventFiles } from './cli-checks.js';

export interface ProduceCommandOptions {
  rate?: number;
  config?: string;
  topic?: string;
  progress?: boolean;
  /** Log format of the files, or `auto`: other formats than native are sent as native events. */
  format?: string;
}

export interface ProduceSummary {
  topic: string;
  /** True when this run created the topic. */
  topicCreated: boolean;
  files: number;
  /** Non-blank lines read. */
  lines: number;
  sent: number;
  /** Lines not produced: not JSON, or without a string `agentId` to key them by. */
  skipped: { notJson: number; noAgentId: number; notMapped?: number };
  /** `file:line` of the first skipped line, to look at. */
  firstSkipped?: string;
  /** From the first send to the last acknowledgement. */
  elapsedMs: number;
  eventsPerSecond: number;
  /** The `--rate` applied, if any (events per second). */
  pacedAt?: number;
  /** Stopped early by Ctrl-C. */
  interrupted: boolean;
}

/** Unpaced: batches of this many messages, or fewer when they reach MAX_BATCH_BYTES. */
export const MAX_BATCH_MESSAGES = 1000;
/** Keeps every per-partition record batch well under the brokers' default 1 MiB message.max.bytes. */
export const MAX_BATCH_BYTES = 512 * 1024;
/** Paced: a batch holds about this much time's worth of events (the token bucket's capacity). */
const PACED_BATCH_MS = 20;

function parseRate(raw: string): number {
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate <= 0) throw new InvalidArgumentError('expected a positive number of events per second');
  return rate;
}

/**
 * Token bucket over wall-clock time: `burst` tokens at most, refilled at `rate` per second,
 * starting full. `take(n)` waits (one timer, no busy loop) until `n` events may go.
 */
export class Pacer {
  private started: number | undefined;
  private granted = 0;
  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Milliseconds to wait before `n` more events may be sent (0 when they may go now); records them as sent. */
  reserve(n: number): number {
    const now = this.now();
    this.started ??= now;
    this.granted += n;
    const due = this.started + ((this.granted - this.burst) / this.rate) * 1000;
    return Math.max(0, due - now);
  }

  async take(n: number): Promise<void> {
    const wait = this.reserve(n);
    if (wait > 0) await sleep(wait);
  }
}

/** The key to produce a line under (its `agentId`), or why it has none. */
export function agentKey(line: string): { key: string } | { skip: 'not_json' | 'no_agent_id' } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { skip: 'not_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { skip: 'no_agent_id' };
  const agentId = (value as { agentId?: unknown }).agentId;
  return typeof agentId === 'string' && agentId.length > 0 ? { key: agentId } : { skip: 'no_agent_id' };
}

function createProgressLine(stream: NodeJS.WriteStream, enabled: boolean): { update: (s: ProduceSummary, file: number) => void; done: () => void } {
  if (!enabled || !stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(s, file) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      const skipped = s.skipped.notJson + s.skipped.noAgentId + (s.skipped.notMapped ?? 0);
      const rate = s.elapsedMs > 0 ? Math.round((s.sent / s.elapsedMs) * 1000) : 0;
      stream.write(
        `\rfile ${file + 1}/${s.files}  ${s.sent.toLocaleString('en-US')} sent  ${rate.toLocaleString('en-US')}/s  ${skipped.toLocaleString('en-US')} skipped\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export function formatProduceSummary(s: ProduceSummary): string {
  const skipped = s.skipped.notJson + s.skipped.noAgentId + (s.skipped.notMapped ?? 0);
  const pace = s.pacedAt !== undefined ? `, paced at ${s.pacedAt} events/s` : ', unpaced';
  const lines = [
    `Produced ${s.sent} events to topic ${s.topic}${s.topicCreated ? ' (created)' : ''} in ${(s.elapsedMs / 1000).toFixed(2)} s ` +
      `(${Math.round(s.eventsPerSecond)} events/s${pace})${s.interrupted ? ', interrupted' : ''}`,
    `Skipped ${skipped} ${s.skipped.notMapped ? 'lines or records' : 'lines'} (${s.skipped.notJson} not JSON, ${s.skipped.noAgentId} without agentId${s.skipped.notMapped ? `, ${s.skipped.notMapped} records not mapped from their format` : ''})${s.firstSkipped ? `; first at ${s.firstSkipped}` : ''}`,
  ];
  return lines.join('\n');
}

/**
 * Publishes event files into the input topic, keyed by agent id, each value the line's bytes
 * unchanged: for demos, load tests and backfills of the live service.
 */
export async function runProduce(files: string[], opts: ProduceCommandOptions): Promise<ProduceSummary> {
  const { config } = loadConfig(opts.config);
  // Before connecting: a typo in a file name is not a broker problem.
  await checkEventFiles(files);
  const kafkaConfig = config.kafka;
  const topic = opts.topic ?? kafkaConfig.topics.input;
  const summary: ProduceSummary = {
    topic,
    topicCreated: false,
    files: files.length,
    lines: 0,
    sent: 0,
    skipped: { notJson: 0, noAgentId: 0 },
    elapsedMs: 0,
    eventsPerSecond: 0,
    interrupted: false,
    ...(opts.rate !== undefined && { pacedAt: opts.rate }),
  };
  const batchSize = opts.rate !== undefined ? Math.max(1, Math.min(MAX_BATCH_MESSAGES, Math.round((opts.rate * PACED_BATCH_MS) / 1000))) : MAX_BATCH_MESSAGES;
  const pacer = opts.rate !== undefined ? new Pacer(opts.rate, batchSize) : undefined;

  const kafka = createKafka(kafkaConfig, {
    clientId: `${kafkaConfig.clientId}-produce`,
    // Bounded on purpose: a produce run should fail, not wait forever for a broker that is gone.
    quiet: [/Limiting retries for the idempotent producer/],
  });
  const admin: Admin = kafka.admin();
  let producer: Producer | undefined;
  const progress = createProgressLine(process.stderr, opts.progress !== false);
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  let started: number | undefined;
  try {
    await step(kafkaConfig, 'connect to', () => admin.connect());
    summary.topicCreated = await ensureTopic(admin, topic, kafkaConfig);
    producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner, // murmur2, as the Java client: same key, same partition
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    const p = producer;
    await step(kafkaConfig, 'connect a producer to', () => p.connect());

    let batch: Message[] = [];
    let batchBytes = 0;
    const flush = async (fileIndex: number): Promise<void> => {
      if (batch.length === 0) return;
      const messages = batch;
      batch = [];
      batchBytes = 0;
      if (pacer) await pacer.take(messages.length);
      started ??= performance.now();
      await step(kafkaConfig, `produce to topic ${topic} on`, () => p.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 }));
      summary.sent += messages.length;
      summary.elapsedMs = performance.now() - started;
      progress.update(summary, fileIndex);
    };

    const fixedFormat = resolveFormatChoice(opts.format ?? config.input.format);
    const decode: DecodeSettings = {
      ...(fixedFormat && { format: fixedFormat }),
      maxEventBytes: config.input.maxEventBytes,
      maxDocumentBytes: config.input.maxDocumentBytes,
    };
    for (const [fileIndex, file] of files.entries()) {
      const input = openDecodedRecords(file, decode);
      if (!input.plan.native) {
        // Another format: each record becomes a native event keyed by its agent, so that the
        // topic holds what every consumer of it reads (and one agent stays on one partition).
        for await (const { records, lines, recordNos } of input.batches) {
          for (const [i, out] of records.entries()) {
            if (out instanceof InvalidEventError) {
              const record = recordNos[i] as number;
              summary.skipped.notMapped = (summary.skipped.notMapped ?? 0) + 1;
              summary.firstSkipped ??= `${file}:${lines[i]}${record === 0 ? '' : `#${record}`}`;
              continue;
            }
            if (!('agentId' in out)) continue;
            summary.lines++;
            const { timeMs, ...event } = out;
            const value = Buffer.from(JSON.stringify({ ...event, time: new Date(timeMs).toISOString() }), 'utf8');
            batch.push({ key: out.agentId, value });
            batchBytes += value.length + out.agentId.length;
            if (batch.length >= batchSize || batchBytes >= MAX_BATCH_BYTES) await flush(fileIndex);
            if (stop) break;
          }
          if (stop) break;
        }
        await flush(fileIndex);
        if (stop) break;
        continue;
      }
      for await (const { lines, firstLine } of readJsonlFile(file)) {
        for (const [i, line] of lines.entries()) {
          if (line.trim() === '') continue;
          summary.lines++;
          const keyed = agentKey(line);
          if ('skip' in keyed) {
            if (keyed.skip === 'not_json') summary.skipped.notJson++;
            else summary.skipped.noAgentId++;
            summary.firstSkipped ??= `${file}:${firstLine + i}`;
            continue;
          }
          const key = keyed.key;
          const value = Buffer.from(line, 'utf8');
          batch.push({ key, value });
          batchBytes += value.length + key.length;
          if (batch.length >= batchSize || batchBytes >= MAX_BATCH_BYTES) await flush(fileIndex);
          if (stop) break;
        }
        if (stop) break;
      }
      await flush(fileIndex);
      if (stop) break;
    }
    summary.interrupted = stop;
    if (started !== undefined) summary.elapsedMs = performance.now() - started;
    summary.eventsPerSecond = summary.elapsedMs > 0 ? (summary.sent / summary.elapsedMs) * 1000 : 0;
    progress.done();
    process.stderr.write(`${formatProduceSummary(summary)}\n`);
    return summary;
  } finally {
    progress.done();
    process.removeListener('SIGINT', onSigint);
    await producer?.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description(
      'Publish audit event files (.jsonl, .jsonl.gz) into the input Kafka topic, keyed by agentId, each line sent unchanged ' +
        '(lines that are not JSON or have no agentId are skipped and counted). Creates the topic if missing.',
    )
    .argument('<file...>', 'event files, sent in the order given, line by line')
    .option('-r, --rate <events/s>', 'send at most this many events per second (default: as fast as the brokers take them)', parseRate)
    .option('-c, --config <file>', 'configuration file (YAML or JSON); the kafka section and AGENTWATCH_KAFKA_* apply')
    .option('-t, --topic <topic>', 'topic to publish to (default: kafka.topics.input, agent-audit-events)')
    .option('--no-progress', 'no progress line (it is only drawn on a terminal anyway)')
    .option(
      '--format <name>',
      `log format of the files: ${FORMAT_CHOICES.join(', ')} (default: input.format; auto = recognised per file). Records of other formats than native are sent as native events, keyed by their agent`,
    )
    .addHelpText(
      'after',
      '\nExample:\n  agentwatch produce fixtures/demo/events.jsonl.gz --rate 500\n' +
        '  AGENTWATCH_KAFKA_BROKERS=kafka-1:9092,kafka-2:9092 agentwatch produce logs/2026-03-*.jsonl.gz --topic agent-audit-events\n' +
        '  agentwatch produce cloudtrail/*.json.gz   # CloudTrail delivery files, sent as native events',
    )
    .action(async (files: string[], opts: ProduceCommandOptions) => {
      await runProduce(files, opts);
    });
}
