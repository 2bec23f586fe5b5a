/**
 * Live CPU per event (issue 16, item 4): the LivePipeline (dist/, as `agentwatch run` builds it)
 * and a raw kafkajs consumer group that only counts, each in its own process, each reading the
 * same pre-filled 3-partition topic from the beginning under a fresh group, alternating in each
 * round. CPU per event is process.cpuUsage() from the first message to the N-th over the events
 * in between (the steady state), so connecting, joining the group and the pipeline's start-up
 * (restore, topic checks) are left out; the figures from connect are printed beside it.
 * Ratio = raw CPU per event / pipeline CPU per event (target ≥ 0.7).
 *
 *   node --import tsx bench/live-cpu.ts [--brokers host:port] [--events N] [--rounds N]
 *
 * Needs a broker (--brokers or KAFKA_BROKERS) and `npm run build` (dist/). `--ab DIR`: this dist/
 * against another build's (a copy of main's dist/ inside this checkout), alternating.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { createFleet } from '../scripts/fleet/generate-fleet.js';

const CHILD = fileURLToPath(new URL('./live-cpu-child.mjs', import.meta.url));
const FLEET = { seed: 42, agents: 40, days: 3 } as const;

interface ChildResult {
  mode: string;
  consumed: number;
  alerts?: number;
  cpuMs: number;
  wallMs: number;
  steadyCpuUsPerEvent: number;
  steadyWallUsPerEvent: number;
}

export interface LiveCpuResult {
  events: number;
  raw: ChildResult[];
  pipeline: ChildResult[];
  /** Median over rounds of raw CPU per event / pipeline CPU per event (≥ 0.7 is the target). */
  cpuRatio: number;
  wallRatio: number;
  rawCpuUsPerEvent: number;
  pipelineCpuUsPerEvent: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function child(args: string[], dist?: string): ChildResult {
  const env = dist === undefined ? process.env : { ...process.env, AGENTWATCH_BENCH_DIST: dist };
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0) throw new Error(`live-cpu child ${args[0]} exited ${r.status}: ${r.stderr.slice(-800)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as ChildResult;
}

async function prefill(brokers: string, topic: string, n: number, dir: string): Promise<void> {
  const fleet = createFleet(FLEET);
  const messages: Message[] = [];
  for (const line of fleet.lines()) {
    messages.push({ key: (JSON.parse(line) as { agentId: string }).agentId, value: line });
    if (messages.length >= n) break;
  }
  if (messages.length < n) throw new Error(`the fleet has only ${messages.length} events`);
  writeFileSync(join(dir, 'fleet.yaml'), fleet.baselinesYaml());
  const kafka = new Kafka({ clientId: 'aw-bench-live-cpu', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic, messages: messages.slice(i, i + 2000), acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export async function measureLiveCpu(brokers: string, events: number, rounds: number, log: (s: string) => void = () => {}): Promise<LiveCpuResult> {
  const dir = mkdtempSync(join(tmpdir(), 'agentwatch-live-cpu-'));
  const topic = `aw-bench-live-cpu-${randomUUID().slice(0, 8)}`;
  try {
    log(`  pre-filling ${topic} with ${events.toLocaleString('en-US')} fleet events …`);
    await prefill(brokers, topic, events, dir);
    child(['raw', brokers, topic, String(events)]); // the broker's page cache
    const raw: ChildResult[] = [];
    const pipeline: ChildResult[] = [];
    for (let r = 0; r < rounds; r++) {
      raw.push(child(['raw', brokers, topic, String(events)]));
      pipeline.push(child(['pipeline', brokers, topic, String(events), dir]));
      const a = raw.at(-1) as ChildResult;
      const b = pipeline.at(-1) as ChildResult;
      log(
        `  round ${r + 1}: raw ${a.steadyCpuUsPerEvent.toFixed(2)} µs CPU/event (${Math.round(a.wallMs)} ms wall), pipeline ${b.steadyCpuUsPerEvent.toFixed(2)} µs CPU/event (${Math.round(b.wallMs)} ms wall, ${b.alerts} alerts)`,
      );
    }
    return {
      events,
      raw,
      pipeline,
      cpuRatio: median(raw.map((x, i) => x.steadyCpuUsPerEvent / (pipeline[i] as ChildResult).steadyCpuUsPerEvent)),
      wallRatio: median(raw.map((x, i) => x.steadyWallUsPerEvent / (pipeline[i] as ChildResult).steadyWallUsPerEvent)),
      rawCpuUsPerEvent: median(raw.map((x) => x.steadyCpuUsPerEvent)),
      pipelineCpuUsPerEvent: median(pipeline.map((x) => x.steadyCpuUsPerEvent)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropTopics(brokers, topic);
  }
}

/** The input topic and every topic the pipelines created (alerts, dead letters, changelog…), named after it. */
async function dropTopics(brokers: string, topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'aw-bench-live-cpu', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(topic));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } catch {
    // Left behind on a broker that refuses deletes: bench topics, harmless.
  } finally {
    await admin.disconnect();
  }
}

export function liveCpuRow(r: LiveCpuResult, rounds: number): string {
  const us = (x: number) => `${x.toFixed(2)} µs`;
  return `| live CPU per event: raw kafkajs consumer / LivePipeline, own processes, same pre-filled topic (${r.events.toLocaleString('en-US')} events, alternating, median of ${rounds}) | **${r.cpuRatio.toFixed(2)}** (${us(r.rawCpuUsPerEvent)} vs ${us(r.pipelineCpuUsPerEvent)} CPU per event; wall clock ratio ${r.wallRatio.toFixed(2)}) | ≥ 0.7 (${r.cpuRatio >= 0.7 ? 'meets' : 'MISSES'}) |`;
}

/**
 * An A/B of the pipeline's CPU per event: this tree's dist/ against another build's (`otherDist`,
 * e.g. a copy of main's dist/ inside this checkout so that it finds node_modules), both beside
 * the raw consumer, in the same run; the pair's order alternates per round.
 */
export async function abLiveCpu(brokers: string, events: number, rounds: number, otherDist: string, log: (s: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agentwatch-live-cpu-'));
  const topic = `aw-bench-live-cpu-${randomUUID().slice(0, 8)}`;
  try {
    await prefill(brokers, topic, events, dir);
    child(['raw', brokers, topic, String(events)]);
    const raw: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      raw.push(child(['raw', brokers, topic, String(events)]).steadyCpuUsPerEvent);
      const runA = () => a.push(child(['pipeline', brokers, topic, String(events), dir], otherDist).steadyCpuUsPerEvent);
      const runB = () => b.push(child(['pipeline', brokers, topic, String(events), dir]).steadyCpuUsPerEvent);
      if (r % 2 === 0) {
        runA();
        runB();
      } else {
        runB();
        runA();
      }
      log(`  round ${r + 1}: raw ${raw.at(-1)?.toFixed(2)} µs, A (other) ${a.at(-1)?.toFixed(2)} µs, B (this) ${b.at(-1)?.toFixed(2)} µs CPU/event`);
    }
    const m = (xs: number[]) => median(xs).toFixed(2);
    log(
      `medians: raw ${m(raw)}, A ${m(a)} (ratio ${(median(raw) / median(a)).toFixed(2)}), B ${m(b)} (ratio ${(median(raw) / median(b)).toFixed(2)}); B/A per round ${b.map((x, i) => (x / (a[i] as number)).toFixed(2)).join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropTopics(brokers, topic);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      events: { type: 'string', default: '200000' },
      rounds: { type: 'string', default: '3' },
      ab: { type: 'string' },
    },
  });
  const brokers = values.brokers ?? process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('live-cpu: needs --brokers or KAFKA_BROKERS');
  const rounds = Number(values.rounds);
  if (values.ab !== undefined) {
    await abLiveCpu(brokers, Number(values.events), rounds, values.ab, (s) => process.stderr.write(`${s}\n`));
    process.exit(0);
  }
  const r = await measureLiveCpu(brokers, Number(values.events), rounds, (s) => process.stderr.write(`${s}\n`));
  process.stdout.write(`${liveCpuRow(r, rounds)}\n`);
}
