/**
 * The live pipeline through a real broker (issue 3), in one run against one broker:
 *
 *  1. raw consumption: a kafkajs consumer group (eachBatch, counting only, default autoCommit)
 *     reads N fleet events from a 3-partition topic, from the beginning: events/s;
 *  2. end to end: the real LivePipeline (fresh group, its own alerts/dead-letter/changelog topics,
 *     default config) consumes the same N events until `stats.consumed === N`: events/s, and the
 *     ratio to 1. Rounds alternate raw and end to end; medians;
 *  3. latency at half the end-to-end rate: a fresh pipeline caught up on a warm-up prefix, a paced
 *     producer (worker thread) at half the measured rate plus a burst of first accesses to distinct
 *     secrets by agents that learned in the warm-up (every one a `new_sensitive_resource` alert,
 *     cooldownMs 0). Latency of an alert = its record timestamp on the alerts topic (created with
 *     message.timestamp.type=LogAppendTime: the broker's append time) − the wall-clock time its
 *     triggering event (the alert's `eventId`) was handed to the producer. For the burst alerts it
 *     is split into legs (producer → input appended → batch handed to the pipeline → alert
 *     appended), and slow ones are matched against changelog flushes, GC pauses and stalls of the
 *     pipeline's thread; an idle thread and /proc/stat tell how busy the machine was.
 *
 *   node --import tsx bench/kafka-end-to-end.ts [--brokers host:port] [--events N] [--rounds N]
 *        [--latency-seconds S] [--burst-rate R] [--warmup N] [--rate-fractions 0.5,0.25 | --rate R]
 *        [--experiments] [--json FILE]
 *
 * Without --brokers (or KAFKA_BROKERS) it starts a private broker with scripts/kafka/kafka.sh and
 * stops it at the end, on failure too. --experiments repeats the latency measurement with a long
 * run.flushIntervalMs (an existing setting) and with a kafkajs consumer fetch option LivePipeline
 * has no setting for (maxWaitTimeInMs, through a bench-only proxy, see `instrumented`).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { type Consumer, type ConsumerConfig, type ConsumerRunConfig, type EachBatchPayload, type Kafka, type Message, Partitioners } from 'kafkajs';
import { createFleet } from '../scripts/fleet/generate-fleet.js';
import type { Config } from '../src/config/config-schema.js';
import { loadBaselinesDir } from '../src/config/load-baselines.js';
import { loadConfig } from '../src/config/load-config.js';
import type { DeclaredBaselines } from '../src/core/baselines/declared-baselines.js';
import { createKafka } from '../src/kafka/kafka-client.js';
import { LivePipeline } from '../src/pipeline/live-pipeline.js';
import { type BenchBroker, startBenchBroker } from './kafka-broker.js';
import type { PacedProducerInput, PacedProducerResult } from './kafka-paced-producer.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    events: { type: 'string', default: '400000' },
    rounds: { type: 'string', default: '2' },
    'latency-seconds': { type: 'string', default: '25' },
    'burst-rate': { type: 'string', default: '40' },
    'rate-fractions': { type: 'string', default: '0.5' },
    rate: { type: 'string' },
    warmup: { type: 'string', default: '150000' },
    experiments: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const FLEET = { seed: 42, agents: 40, days: 3 } as const;
const HOUR = 3_600_000;
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const quietLog = { info: () => {}, warn: (msg: string, f?: Record<string, unknown>) => log(`pipeline warn: ${msg} ${JSON.stringify(f ?? {})}`) };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

function benchConfig(brokers: string, input: string): Config {
  const id = randomUUID().slice(0, 8);
  const { config } = loadConfig(undefined, {});
  config.kafka.brokers = brokers.split(',');
  config.kafka.groupId = `aw-bench-${id}`;
  config.kafka.topics = {
    input,
    alerts: `aw-bench-alerts-${id}`,
    deadLetter: `aw-bench-dlq-${id}`,
    baselines: `aw-bench-baselines-${id}`,
    feedback: `aw-bench-feedback-${id}`,
  };
  config.kafka.partitions = 3;
  return config;
}

const clientKafka = (config: Config) =>
  createKafka(config.kafka, {
    clientId: 'agentwatch-bench',
    quiet: [/Limiting retries for the idempotent producer/, /coordinator is (loading|not available)/],
  });

/** What the instrumented input consumer saw (burst events only, and every batch of the paced phase). */
interface Probe {
  recording: boolean;
  burst: Map<string, { appendedAt: number; fetchedAt: number; batchDoneAt: number }>;
  batches: { size: number; ms: number }[];
}

const BURST_PREFIX = Buffer.from('{"id":"aw-bench-burst-');

/**
 * BENCH-ONLY PROXY around the Kafka client handed to LivePipeline (src is not changed):
 *  - instrumentation: every consumer's eachBatch is wrapped to note, for the burst events, the
 *    input record's timestamp (the input topic uses LogAppendTime: the broker's append time), when
 *    the batch reached the pipeline and when the pipeline finished it (alerts acknowledged); and
 *    each batch's size and duration. A 22-byte compare per message; the pipeline code runs as is.
 *  - EXPERIMENT (`extra`): kafkajs consumer options LivePipeline has no config for
 *    (maxWaitTimeInMs, minBytes, …), added to every consumer the pipeline creates (its input
 *    consumer and the changelog-restore reader), to measure what such a knob would buy.
 */
function instrumented(kafka: Kafka, probe: Probe, extra: Partial<ConsumerConfig> = {}): Kafka {
  const wrapConsumer = (consumer: Consumer): Consumer => {
    const run = consumer.run.bind(consumer);
    consumer.run = (config?: ConsumerRunConfig) => {
      const inner = config?.eachBatch;
      if (!inner) return run(config);
      return run({
        ...config,
        eachBatch: async (payload: EachBatchPayload) => {
          const fetchedAt = Date.now();
          const t0 = performance.now();
          const mine: { id: string; appendedAt: number }[] = [];
          for (const m of payload.batch.messages) {
            const v = m.value;
            if (v && v.length > BURST_PREFIX.length && v.compare(BURST_PREFIX, 0, BURST_PREFIX.length, 0, BURST_PREFIX.length) === 0) {
              mine.push({ id: v.toString('latin1', 7, v.indexOf(34, 7)), appendedAt: Number(m.timestamp) });
            }
          }
          await inner(payload);
          const batchDoneAt = Date.now();
          for (const x of mine) probe.burst.set(x.id, { appendedAt: x.appendedAt, fetchedAt, batchDoneAt });
          if (probe.recording) probe.batches.push({ size: payload.batch.messages.length, ms: performance.now() - t0 });
        },
      });
    };
    return consumer;
  };
  return new Proxy(kafka, {
    get(target, prop, receiver) {
      if (prop === 'consumer') return (cfg: ConsumerConfig) => wrapConsumer(target.consumer({ ...cfg, ...extra }));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The commit measured, and whether src/ had uncommitted changes (others edit it concurrently). */
function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).stdout.trim();
  return `${head || 'unknown'}${dirty ? ' (src modified)' : ''}`;
}

/** Jiffies of the machine's CPUs (Linux /proc/stat), to tell how busy the machine was. */
function cpuTimes(): number[] {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
    return line.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return [];
  }
}
function cpuBusy(before: number[], after: number[]): { busyPercent: number; stealPercent: number } {
  const d = after.map((x, i) => x - (before[i] ?? 0));
  const total = d.reduce((t, x) => t + x, 0);
  if (!total) return { busyPercent: Number.NaN, stealPercent: Number.NaN };
  const idleJ = (d[3] ?? 0) + (d[4] ?? 0); // idle + iowait
  return { busyPercent: Math.round((100 * (total - idleJ)) / total), stealPercent: Math.round((100 * (d[7] ?? 0)) / total) };
}

/** A thread that does nothing but measure its own timer lateness: the machine's scheduling noise. */
function idleThread(): { start(): void; stop(): Promise<{ p99: number; max: number }> } {
  const code = `
    import { parentPort } from 'node:worker_threads';
    import { monitorEventLoopDelay } from 'node:perf_hooks';
    const h = monitorEventLoopDelay({ resolution: 5 });
    const keep = setInterval(() => {}, 1000);
    parentPort.on('message', (m) => {
      if (m === 'start') h.enable();
      else { h.disable(); clearInterval(keep); parentPort.postMessage({ p99: Math.round(h.percentile(99) / 1e6), max: Math.round(h.max / 1e6) }); parentPort.close(); }
    });`;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  return {
    start: () => w.postMessage('start'),
    stop: () =>
      new Promise((resolve) => {
        w.once('message', (m: { p99: number; max: number }) => resolve(m));
        w.postMessage('stop');
      }),
  };
}

/** A worker thread running a .ts module: workers do not inherit `--import tsx`, so it is registered there first. */
function tsWorker(module: URL, workerData: unknown): Worker {
  const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData });
}

async function createTopics(kafka: Kafka, topics: { topic: string; configEntries?: { name: string; value: string }[] }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((t) => ({ numPartitions: 3, replicationFactor: 1, ...t })) });
  } finally {
    await admin.disconnect();
  }
}

async function produceAll(kafka: Kafka, topic: string, lines: readonly string[], keys: readonly string[], from = 0, to = lines.length): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const chunk = 2000;
    let next = from;
    const lane = async () => {
      while (next < to) {
        const start = next;
        next = Math.min(to, next + chunk);
        const messages: Message[] = [];
        for (let i = start; i < next; i++) messages.push({ key: keys[i] as string, value: lines[i] as string });
        await producer.send({ topic, messages, acks: -1 });
      }
    };
    await Promise.all([lane(), lane(), lane()]);
  } finally {
    await producer.disconnect();
  }
}

/**
 * 1. A consumer group doing nothing but counting, from connect to the N-th message. With `parse`,
 * it also runs JSON.parse on every value (an extra reference: issue 2's baseline did that much).
 */
async function rawConsume(kafka: Kafka, topic: string, n: number, parse = false): Promise<{ seconds: number; firstMessageSeconds: number }> {
  const consumer = kafka.consumer({ groupId: `aw-bench-raw-${randomUUID().slice(0, 8)}` });
  const t0 = performance.now();
  let first = 0;
  let count = 0;
  let sink = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw consumer: ${count} of ${n} after 180 s`)), 180_000);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            if (first === 0) first = performance.now();
            count += batch.messages.length;
            if (parse) for (const m of batch.messages) sink += (JSON.parse(String(m.value)) as { id: string }).id.length;
            if (count >= n) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    if (sink < 0) throw new Error('unreachable');
    return { seconds: (performance.now() - t0) / 1000, firstMessageSeconds: (first - t0) / 1000 };
  } finally {
    await consumer.disconnect();
  }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number, failed: () => Error | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    const err = failed();
    if (err) throw err;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** 2. The real LivePipeline from start() (connect, join, restore) to stats.consumed === N. */
async function endToEnd(
  brokers: string,
  topic: string,
  n: number,
  baselines: DeclaredBaselines,
): Promise<{ seconds: number; firstMessageSeconds: number; alerts: number; flushes: number }> {
  const config = benchConfig(brokers, topic);
  const pipeline = new LivePipeline(clientKafka(config), config, baselines, quietLog);
  let crashed: Error | undefined;
  pipeline.running.catch((e: Error) => (crashed = e));
  const t0 = performance.now();
  try {
    await pipeline.start();
    let first = 0;
    await waitFor(
      `the pipeline to consume ${n} events`,
      () => {
        if (first === 0 && pipeline.stats.consumed > 0) first = performance.now();
        return pipeline.stats.consumed >= n;
      },
      180_000,
      () => crashed,
    );
    return {
      seconds: (performance.now() - t0) / 1000,
      firstMessageSeconds: (first - t0) / 1000,
      alerts: pipeline.stats.alerts,
      flushes: pipeline.stats.flushes,
    };
  } finally {
    await pipeline.stop();
  }
}

interface Pct {
  p50: number;
  p99: number;
}
const pct = (xs: number[]): Pct => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: Math.round(quantile(s, 0.5)), p99: Math.round(quantile(s, 0.99)) };
};

interface LatencyResult {
  variant: string;
  rate: number;
  burstRate: number;
  producedEvents: number;
  burstEvents: number;
  producerSeconds: number;
  producerMaxSendMs: number;
  catchUpMs: number;
  alerts: number;
  measured: number;
  burstAlerts: number;
  burstAlertsLearned: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** When an alerts consumer (default fetch settings, in the pipeline's process) saw it. */
  observed: Pct;
  /** Burst alerts, by leg: sent → input appended; → batch handed to the pipeline; → alert appended. */
  legs: { produce: Pct; producerAck: Pct; toPipeline: Pct; inPipeline: Pct; brokerToBroker: Pct };
  /** Changelog flushes (+ offset commits) during the paced phase and how long each held the consumer. */
  flushMs: number[];
  /** The pipeline's thread during the paced phase: event-loop delay, GC pauses, stalls over 30 ms. */
  eventLoopDelay: { p99: number; max: number };
  gc: { pauses: number; totalMs: number; maxMs: number };
  stalls: { count: number; totalMs: number };
  /** An idle thread's timer lateness: the scheduler's share of any delay on this machine. */
  idleThreadLateness: { p99: number; max: number };
  machine: { busyPercent: number; stealPercent: number };
  /** Burst alerts whose pipeline part was over 100 ms, and how many of them overlap each cause. */
  slow: { count: number; flush: number; gc: number; stall: number; none: number };
  batches: { count: number; meanSize: number; ms: Pct; maxMs: number };
  flushes: number;
  load: string;
}

interface LatencyOptions {
  rate: number;
  seconds: number;
  burstRate: number;
  warmup: number;
  consumerOptions?: Partial<ConsumerConfig>;
  configure?: (config: Config) => void;
}

/** 3. Alert latency at a paced rate, on a fresh pipeline caught up on a warm-up prefix. */
async function latency(
  variant: string,
  brokers: string,
  lines: readonly string[],
  keys: readonly string[],
  baselines: DeclaredBaselines,
  opts: LatencyOptions,
): Promise<LatencyResult> {
  const id = randomUUID().slice(0, 8);
  const input = `aw-bench-lat-in-${id}`;
  const config = benchConfig(brokers, input);
  config.engine.cooldownMs = 0; // every trigger is an alert
  config.engine.learningPeriodMs = 6 * HOUR; // the warm-up (~18 h of event time) is enough to learn
  opts.configure?.(config);
  const admin = clientKafka(config);
  // Both topics exist before the pipeline starts (ensureTopics leaves them alone), with the
  // broker's append time as the record timestamp: "when it was appended", not when a producer
  // built the request. LivePipeline reads event time from the JSON, never the record timestamp.
  const appendTime = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];
  await createTopics(admin, [
    { topic: input, configEntries: appendTime },
    { topic: config.kafka.topics.alerts, configEntries: appendTime },
  ]);
  await produceAll(admin, input, lines, keys, 0, opts.warmup);

  // Burst agents: the busiest of the warm-up (learned: > 6 h and > 50 events).
  const counts = new Map<string, number>();
  for (let i = 0; i < opts.warmup; i++) counts.set(keys[i] as string, (counts.get(keys[i] as string) ?? 0) + 1);
  const busiest = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([agentId]) => agentId);
  const burstAgents = busiest.map((agentId) => {
    const line = lines[keys.indexOf(agentId)] as string;
    const e = JSON.parse(line) as { agentClass?: string; tenant?: string };
    return { agentId, ...(e.agentClass && { agentClass: e.agentClass }), ...(e.tenant && { tenant: e.tenant }) };
  });

  const probe: Probe = { recording: false, burst: new Map(), batches: [] };
  const pipeline = new LivePipeline(instrumented(clientKafka(config), probe, opts.consumerOptions), config, baselines, quietLog);
  let crashed: Error | undefined;
  pipeline.running.catch((e: Error) => (crashed = e));
  const reader = admin.consumer({ groupId: `aw-bench-alerts-reader-${id}` });
  let worker: Worker | undefined;
  try {
    await pipeline.start();
    await waitFor(
      'the warm-up',
      () => pipeline.stats.consumed >= opts.warmup,
      120_000,
      () => crashed,
    );
    const warmupAlerts = pipeline.stats.alerts;

    const alerts: { eventId: string; appendedAt: number; seenAt: number; burst: boolean; learning: boolean }[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [config.kafka.topics.alerts], fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const seenAt = Date.now();
        for (const m of batch.messages) {
          const a = JSON.parse(String(m.value)) as { eventId: string; baseline: { learning: boolean } };
          alerts.push({
            eventId: a.eventId,
            appendedAt: Number(m.timestamp),
            seenAt,
            burst: a.eventId.startsWith('aw-bench-burst-'),
            learning: a.baseline.learning,
          });
        }
      },
    });
    await waitFor('the alerts reader', () => alerts.length >= warmupAlerts, 30_000);

    // Enough fleet for the paced phase: the generator's output for more days begins with the same
    // lines, so the warm-up prefix (from the 3-day fleet) and the paced rest agree. ~204k events a day.
    const days = Math.max(FLEET.days, Math.ceil((opts.warmup + opts.rate * opts.seconds * 1.05) / 200_000) + 1);
    const workerInput: PacedProducerInput = {
      brokers,
      topic: input,
      fleet: { ...FLEET, days },
      skip: opts.warmup,
      rate: opts.rate,
      seconds: opts.seconds,
      burstRate: opts.burstRate,
      burstAgents,
    };
    // Diagnostics of the paced phase. On the pipeline's thread: flushes, GC pauses and event-loop
    // stalls, each with its wall-clock window (to attribute slow alerts); an idle thread's timer
    // lateness (what the OS scheduler alone costs on this machine); the machine's CPU use.
    const flushWindows: [number, number][] = [];
    const gcWindows: [number, number][] = [];
    const stallWindows: [number, number][] = [];
    const eld = monitorEventLoopDelay({ resolution: 5 });
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcWindows.push([performance.timeOrigin + e.startTime, performance.timeOrigin + e.startTime + e.duration]);
    });
    const idle = idleThread();
    let monitorTimer: NodeJS.Timeout | undefined;
    let cpuBefore = cpuTimes();
    const startMonitors = () => {
      let flushes = pipeline.stats.flushes;
      let lastTick = Date.now();
      monitorTimer = setInterval(() => {
        const now = Date.now();
        if (now - lastTick > 30) stallWindows.push([lastTick + 5, now]);
        lastTick = now;
        if (pipeline.stats.flushes !== flushes) flushWindows.push([now - pipeline.stats.lastFlushMs, now]);
        flushes = pipeline.stats.flushes;
      }, 5);
      eld.enable();
      gcObserver.observe({ entryTypes: ['gc'] });
      idle.start();
      cpuBefore = cpuTimes();
    };
    let machine = { busyPercent: Number.NaN, stealPercent: Number.NaN };
    let idleLateness = { p99: Number.NaN, max: Number.NaN };
    const stopMonitors = async () => {
      clearInterval(monitorTimer);
      eld.disable();
      gcObserver.disconnect();
      machine = cpuBusy(cpuBefore, cpuTimes());
      idleLateness = await idle.stop();
    };
    const w = tsWorker(new URL('./kafka-paced-producer.ts', import.meta.url), workerInput);
    worker = w;
    const done = new Promise<PacedProducerResult>((resolve, reject) => {
      w.on('error', reject);
      w.on('exit', (code) => reject(new Error(`paced producer exited (${code}) before it finished`)));
      w.on('message', (m: { type: string; events?: number; result?: PacedProducerResult }) => {
        if (m.type === 'ready') {
          log(
            `  [${variant}] paced producer ready (${fmt(m.events ?? 0)} fleet events prepared): ${fmt(opts.rate)} events/s + ${opts.burstRate} burst events/s for ${opts.seconds} s; load ${load()}`,
          );
          probe.recording = true;
          startMonitors();
          w.postMessage('go');
        } else if (m.type === 'done' && m.result) resolve(m.result);
      });
    });
    const produced = await done.finally(stopMonitors);
    const producedAt = performance.now();
    const total = opts.warmup + produced.ids.length;
    await waitFor(
      'the pipeline to catch up',
      () => pipeline.stats.consumed >= total,
      120_000,
      () => crashed,
    );
    const catchUpMs = performance.now() - producedAt;
    probe.recording = false;
    await waitFor('the alerts to reach the reader', () => alerts.length >= pipeline.stats.alerts, 30_000);
    const flushes = pipeline.stats.flushes;

    const sent = new Map<string, { at: number; acked: number }>();
    produced.ids.forEach((eventId, i) => sent.set(eventId, { at: produced.sentAt[i] as number, acked: produced.ackedAt[i] as number }));
    const measured = alerts.filter((a) => sent.has(a.eventId));
    const lat = measured.map((a) => a.appendedAt - (sent.get(a.eventId) as { at: number }).at).sort((a, b) => a - b);
    const burst = measured.filter((a) => a.burst);
    const legs = {
      produce: [] as number[],
      producerAck: [] as number[],
      toPipeline: [] as number[],
      inPipeline: [] as number[],
      brokerToBroker: [] as number[],
    };
    const slow = { count: 0, flush: 0, gc: 0, stall: 0, none: 0 };
    const overlaps = (ws: [number, number][], from: number, to: number) => ws.some(([s0, s1]) => s1 >= from && s0 <= to);
    const longGc = gcWindows.filter(([s0, s1]) => s1 - s0 >= 10);
    for (const a of burst) {
      const s0 = sent.get(a.eventId) as { at: number; acked: number };
      const p = probe.burst.get(a.eventId);
      if (!p) continue;
      legs.produce.push(p.appendedAt - s0.at);
      legs.producerAck.push(s0.acked - s0.at);
      legs.toPipeline.push(p.fetchedAt - p.appendedAt);
      legs.inPipeline.push(a.appendedAt - p.fetchedAt);
      legs.brokerToBroker.push(a.appendedAt - p.appendedAt);
      if (a.appendedAt - p.appendedAt > 100) {
        slow.count++;
        const f = overlaps(flushWindows, p.appendedAt, a.appendedAt);
        const g = overlaps(longGc, p.appendedAt, a.appendedAt);
        const st = overlaps(stallWindows, p.appendedAt, a.appendedAt);
        slow.flush += Number(f);
        slow.gc += Number(g);
        slow.stall += Number(st);
        slow.none += Number(!f && !g && !st);
      }
    }
    const batchMs = probe.batches.map((b) => b.ms);
    return {
      variant,
      rate: opts.rate,
      burstRate: opts.burstRate,
      producedEvents: produced.fleetEvents,
      burstEvents: produced.burstEvents,
      producerSeconds: Math.round(produced.seconds * 10) / 10,
      producerMaxSendMs: Math.round(produced.maxSendMs),
      catchUpMs: Math.round(catchUpMs),
      alerts: alerts.length - warmupAlerts,
      measured: measured.length,
      burstAlerts: burst.length,
      burstAlertsLearned: burst.filter((a) => !a.learning).length,
      p50: quantile(lat, 0.5),
      p90: quantile(lat, 0.9),
      p99: quantile(lat, 0.99),
      max: lat[lat.length - 1] ?? Number.NaN,
      observed: pct(measured.map((a) => a.seenAt - (sent.get(a.eventId) as { at: number }).at)),
      legs: {
        produce: pct(legs.produce),
        producerAck: pct(legs.producerAck),
        toPipeline: pct(legs.toPipeline),
        inPipeline: pct(legs.inPipeline),
        brokerToBroker: pct(legs.brokerToBroker),
      },
      flushMs: flushWindows.map(([s0, s1]) => s1 - s0),
      eventLoopDelay: { p99: Math.round(eld.percentile(99) / 1e6), max: Math.round(eld.max / 1e6) },
      gc: {
        pauses: gcWindows.length,
        totalMs: Math.round(gcWindows.reduce((t, [s0, s1]) => t + s1 - s0, 0)),
        maxMs: Math.round(Math.max(0, ...gcWindows.map(([s0, s1]) => s1 - s0))),
      },
      stalls: { count: stallWindows.length, totalMs: Math.round(stallWindows.reduce((t, [s0, s1]) => t + s1 - s0, 0)) },
      idleThreadLateness: idleLateness,
      machine,
      slow,
      batches: {
        count: probe.batches.length,
        meanSize: Math.round(probe.batches.reduce((t, b) => t + b.size, 0) / Math.max(1, probe.batches.length)),
        ms: pct(batchMs),
        maxMs: Math.round(Math.max(0, ...batchMs)),
      },
      flushes,
      load: load(),
    };
  } finally {
    await worker?.terminate();
    await reader.disconnect().catch(() => undefined);
    await pipeline.stop().catch(() => undefined);
  }
}

async function deleteTopics(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith('aw-bench-'));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}

// ------------------------------------------------------------------------------------------------

const n = Number(values.events);
const rounds = Number(values.rounds);
const warmup = Math.min(Number(values.warmup), n);
if (rounds === 0 && !values.rate) throw new Error('--rounds 0 (no throughput measurement) needs --rate');
const external = values.brokers ?? process.env.KAFKA_BROKERS?.trim();
let broker: BenchBroker | undefined;
const commit = gitCommit(); // at start: src may change under a long run
const dir = mkdtempSync(join(tmpdir(), 'agentwatch-kbench-'));
let failed = false;
try {
  log(`load at start (1/5/15 min): ${load()}; src at ${commit}`);
  const loadAtStart = load();
  log(`generating ${fmt(n)} events: fleet seed ${FLEET.seed}, ${FLEET.agents} agents × ${FLEET.days} days (first ${fmt(n)} lines) …`);
  const fleet = createFleet(FLEET);
  const lines: string[] = [];
  const keys: string[] = [];
  let bytes = 0;
  for (const line of fleet.lines()) {
    lines.push(line);
    keys.push((JSON.parse(line) as { agentId: string }).agentId);
    bytes += Buffer.byteLength(line);
    if (lines.length >= n) break;
  }
  if (lines.length < n) throw new Error(`the fleet has only ${lines.length} events`);
  writeFileSync(join(dir, 'fleet.yaml'), fleet.baselinesYaml());
  const baselines = loadBaselinesDir(dir).baselines;

  if (!external) broker = await startBenchBroker(log);
  const brokers = external ?? (broker as BenchBroker).brokers;
  log(`broker ${brokers}${external ? ' (external)' : ' (private, kafka.sh)'}`);
  const admin = clientKafka(benchConfig(brokers, 'unused'));
  try {
    const topic = `aw-bench-in-${randomUUID().slice(0, 8)}`;
    await createTopics(admin, [{ topic }]);
    const p0 = performance.now();
    await produceAll(admin, topic, lines, keys);
    const produceSeconds = (performance.now() - p0) / 1000;
    log(`produced ${fmt(n)} events (${(bytes / 1e6).toFixed(0)} MB) into ${topic} (3 partitions) in ${produceSeconds.toFixed(1)} s`);

    // Untimed warm-up of both paths on a prefix: the broker's group and producer-id coordinators
    // (a fresh broker creates __consumer_offsets on first use) and the JIT.
    const warm = Math.min(n, 30_000);
    const warmTopic = `aw-bench-warm-${randomUUID().slice(0, 8)}`;
    await createTopics(admin, [{ topic: warmTopic }]);
    await produceAll(admin, warmTopic, lines, keys, 0, warm);
    await rawConsume(admin, warmTopic, warm);
    await endToEnd(brokers, warmTopic, warm, baselines);
    log(`warmed up on ${fmt(warm)} events; load ${load()}`);

    const raw: number[] = [];
    const rawParse: number[] = [];
    const e2e: number[] = [];
    const rawFirst: number[] = [];
    const e2eFirst: number[] = [];
    let alerts = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await rawConsume(admin, topic, n);
      raw.push(n / a.seconds);
      rawFirst.push(a.firstMessageSeconds);
      const c = await rawConsume(admin, topic, n, true);
      rawParse.push(n / c.seconds);
      const b = await endToEnd(brokers, topic, n, baselines);
      e2e.push(n / b.seconds);
      e2eFirst.push(b.firstMessageSeconds);
      alerts = b.alerts;
      log(
        `  round ${r + 1}: raw ${fmt(n / a.seconds)} events/s (${a.seconds.toFixed(1)} s, first batch at ${a.firstMessageSeconds.toFixed(2)} s), raw + JSON.parse ${fmt(n / c.seconds)} events/s, end to end ${fmt(n / b.seconds)} events/s (${b.seconds.toFixed(1)} s, first events at ${b.firstMessageSeconds.toFixed(2)} s, ${b.alerts} alerts, ${b.flushes} flushes); load ${load()}`,
      );
    }
    const rawRate = median(raw);
    const rawParseRate = median(rawParse);
    const e2eRate = median(e2e);
    const ratio = e2eRate / rawRate;

    const latencies: LatencyResult[] = [];
    // --rate (events/s) instead of fractions of the measured maximum, e.g. with --rounds 0.
    const rates = values.rate
      ? [{ label: `${values.rate} events/s`, rate: Number(values.rate) }]
      : (values['rate-fractions'] ?? '0.5').split(',').map((f) => ({ label: `${f} × max`, rate: Math.round(e2eRate * Number(f)) }));
    const latOpts = { rate: (rates[0] as { rate: number }).rate, seconds: Number(values['latency-seconds']), burstRate: Number(values['burst-rate']), warmup };
    // The latency phase needs only the warm-up prefix (the worker makes the rest): less heap to collect.
    lines.length = warmup;
    keys.length = warmup;
    for (const r of rates) latencies.push(await latency(`LivePipeline as is, ${r.label}`, brokers, lines, keys, baselines, { ...latOpts, rate: r.rate }));
    if (values.experiments) {
      latencies.push(
        await latency('run.flushIntervalMs 60000 (existing setting)', brokers, lines, keys, baselines, {
          ...latOpts,
          configure: (c) => (c.run.flushIntervalMs = 60_000),
        }),
      );
      latencies.push(
        await latency('consumer maxWaitTimeInMs 10 (bench proxy, no setting)', brokers, lines, keys, baselines, {
          ...latOpts,
          consumerOptions: { maxWaitTimeInMs: 10 },
        }),
      );
    }
    for (const l of latencies) {
      const leg = (p: Pct) => `${p.p50}/${p.p99}`;
      log(
        `  latency [${l.variant}]: ${l.measured} alerts measured (${l.burstAlerts} burst), p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms; ` +
          `seen by a consumer ${leg(l.observed)} ms; legs p50/p99: produce ${leg(l.legs.produce)} (ack ${leg(l.legs.producerAck)}), to pipeline ${leg(l.legs.toPipeline)}, in pipeline ${leg(l.legs.inPipeline)}, input appended → alert appended ${leg(l.legs.brokerToBroker)} ms; ` +
          `flushes ${l.flushMs.join(', ')} ms; event loop delay p99 ${l.eventLoopDelay.p99} / max ${l.eventLoopDelay.max} ms; GC ${l.gc.pauses} pauses, ${l.gc.totalMs} ms, max ${l.gc.maxMs} ms; ` +
          `${l.stalls.count} stalls > 30 ms (${l.stalls.totalMs} ms); idle thread lateness p99 ${l.idleThreadLateness.p99} / max ${l.idleThreadLateness.max} ms; machine CPU ${l.machine.busyPercent} % busy (steal ${l.machine.stealPercent} %); ` +
          `pipeline part > 100 ms: ${l.slow.count} alerts, overlapping a flush ${l.slow.flush}, a GC pause ≥ 10 ms ${l.slow.gc}, a stall ${l.slow.stall}, none of these ${l.slow.none}; ` +
          `${l.batches.count} batches of ${l.batches.meanSize} (${leg(l.batches.ms)} ms, max ${l.batches.maxMs}); ${l.producedEvents} + ${l.burstEvents} events in ${l.producerSeconds} s (max send ${l.producerMaxSendMs} ms); caught up ${l.catchUpMs} ms after the producer; load ${l.load}`,
      );
    }

    const results = {
      date: new Date().toISOString(),
      node: process.version,
      commit,
      broker: external ? 'external' : 'kafka.sh (Kafka 4.4.0, single node KRaft)',
      load: { atStart: loadAtStart, atEnd: load() },
      events: { count: n, megabytes: Math.round(bytes / 1e6), partitions: 3, fleet: FLEET, produceSeconds: Math.round(produceSeconds * 10) / 10 },
      throughput:
        rounds === 0
          ? undefined
          : {
              rounds,
              rawEventsPerSecond: raw.map(Math.round),
              endToEndEventsPerSecond: e2e.map(Math.round),
              rawMedian: Math.round(rawRate),
              rawJsonParseEventsPerSecond: rawParse.map(Math.round),
              rawJsonParseMedian: Math.round(rawParseRate),
              ratioToRawJsonParse: Math.round((e2eRate / rawParseRate) * 100) / 100,
              endToEndMedian: Math.round(e2eRate),
              ratio: Math.round(ratio * 100) / 100,
              target: 0.7,
              alerts,
              rawFirstBatchSeconds: rawFirst.map((s) => Math.round(s * 100) / 100),
              endToEndFirstEventsSeconds: e2eFirst.map((s) => Math.round(s * 100) / 100),
            },
      latency: latencies,
    };
    const ok = (b: boolean) => (b ? 'meets' : 'MISSES');
    const rows = ['| measure | result | target |', '|---|---|---|'];
    if (rounds > 0) {
      rows.push(
        `| end-to-end throughput / raw kafkajs consumer (same topic, same run, median of ${rounds}) | **${Math.round(ratio * 100) / 100}** (${fmt(e2eRate)} vs ${fmt(rawRate)} events/s) | ≥ 0.7 (${ok(ratio >= 0.7)}) |`,
        `| … against a raw consumer that also JSON.parses every value | ${Math.round((e2eRate / rawParseRate) * 100) / 100} (vs ${fmt(rawParseRate)} events/s) | |`,
      );
    }
    for (const l of latencies) {
      const what = latencies.length > 1 ? ` — ${l.variant}` : '';
      rows.push(
        `| alert latency, input event handed to the producer → alert appended, at ${fmt(l.rate)} events/s target (${fmt(l.producedEvents / l.producerSeconds)} reached), ${l.measured} alerts${what} | **p99 ${l.p99} ms** (p50 ${l.p50}, p90 ${l.p90}, max ${l.max}) | p99 ≤ 100 ms (${ok(l.p99 <= 100)}) |`,
        `| … of which input appended → alert appended (the pipeline's part), ${l.burstAlerts} burst alerts${what} | p99 ${l.legs.brokerToBroker.p99} ms (p50 ${l.legs.brokerToBroker.p50}) | |`,
      );
    }
    process.stdout.write(`${rows.join('\n')}\n`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
    if (external) await deleteTopics(admin);
  } finally {
    log(`load at end (1/5/15 min): ${load()}`);
  }
} catch (err) {
  failed = true;
  log(`kafka-end-to-end: ${(err as Error).stack ?? String(err)}`);
} finally {
  broker?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
