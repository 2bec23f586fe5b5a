import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { replay } from '../../src/pipeline/replay.js';
import type { AlertSink } from '../../src/sinks/alert-sink.js';
import { ROOT } from '../helpers/cli.js';
import { agentKey, consumeUntil, isolatedConfig, produceLines, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };

// Generous timeouts: on a 2-core machine a broker, a group rebalance and a stream share the CPU.
describeKafka('agentwatch run on a real broker', { timeout: 240_000 }, () => {
  const brokers = kafkaBrokers() as string;
  let lines: string[] = [];
  let baselinesDir = '';
  let baselines: DeclaredBaselines;
  let reference: Set<string>;
  const running: LivePipeline[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // In-order input: live processes in arrival order, replay in event-time order; the same here.
    const fleet = createFleet({ seed: 5, agents: 8, days: 10, scale: 0.1, anomalyRate: 4, lateFraction: 0, veryLateFraction: 0 });
    lines = [...fleet.lines()];
    const dir = mkdtempSync(join(tmpdir(), 'aw-live-'));
    baselinesDir = join(dir, 'baselines');
    mkdirSync(baselinesDir);
    writeFileSync(join(baselinesDir, 'fleet.yaml'), fleet.baselinesYaml());
    writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    baselines = loadBaselinesDir(baselinesDir).baselines;
    const alerts: Alert[] = [];
    const sink: AlertSink = { name: 'memory', write: (a) => void alerts.push(a), close: async () => {} };
    await replay({ files: [join(dir, 'events.jsonl')], config: isolatedConfig(brokers), baselines, sinks: [sink] });
    reference = new Set(alerts.filter((a) => a.status === 'open').map((a) => a.id));
    expect(reference.size).toBeGreaterThanOrEqual(3);
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(running.map((p) => p.stop().catch(() => undefined)));
  });

  async function start(config: ReturnType<typeof isolatedConfig>): Promise<LivePipeline> {
    const pipeline = new LivePipeline(testKafka(config), config, baselines, quiet);
    pipeline.running.catch(() => undefined);
    running.push(pipeline);
    await pipeline.start();
    return pipeline;
  }

  const alertIds = (messages: { value: Buffer | null }[]) => messages.map((m) => (JSON.parse(String(m.value)) as Alert).id);
  /** Opening alerts only: updates and resolutions of an incident carry its id too. */
  const openingIds = (messages: { value: Buffer | null }[]) =>
    messages
      .map((m) => JSON.parse(String(m.value)) as Alert)
      .filter((a) => a.status === 'open')
      .map((a) => a.id);
  /** Every lifecycle message once: an id with its revision. */
  const revisions = (messages: { value: Buffer | null }[]) =>
    messages.map((m) => JSON.parse(String(m.value)) as Alert).map((a) => `${a.id}#${a.episode?.revision}`);

  it('raises on the alerts topic exactly the alert ids of `agentwatch replay`, keyed by agent', async () => {
    const config = isolatedConfig(brokers);
    const pipeline = await start(config);
    const kafka = testKafka(config);
    await produceLines(kafka, config.kafka.topics.input, lines, agentKey);
    const out = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => new Set(alertIds(all)).size >= reference.size, 180_000);
    await sleep(1000);
    const ids = alertIds(out);
    expect(new Set(ids)).toEqual(reference);
    for (const m of out) expect(String(m.key)).toBe((JSON.parse(String(m.value)) as Alert).agentId);
    expect(pipeline.stats.accepted).toBe(lines.length);
  });

  it('sends poison messages to the dead-letter topic with their origin and reason, and goes on', async () => {
    const config = isolatedConfig(brokers, { partitions: 1 });
    const pipeline = await start(config);
    const kafka = testKafka(config);
    const producer = kafka.producer({ createPartitioner: (await import('kafkajs')).Partitioners.DefaultPartitioner });
    await producer.connect();
    const valid = (i: number) => JSON.stringify({ id: `ok-${i}`, time: `2026-03-02T10:00:0${i}Z`, agentId: 'a', category: 'api_call', action: 'x' });
    await producer.send({
      topic: config.kafka.topics.input,
      acks: -1,
      messages: [
        { key: 'a', value: valid(1) },
        { key: 'a', value: '{"not json' },
        { key: 'a', value: JSON.stringify({ id: 'bad', time: 'later', agentId: 'a', category: 'api_call', action: 'x' }) },
        { key: 'a', value: 'x'.repeat(70_000) },
        { key: 'a', value: null },
        { key: 'a', value: valid(2) },
      ],
    });
    await producer.disconnect();
    const dlq = await consumeUntil(kafka, config.kafka.topics.deadLetter, (all) => all.length >= 4, 120_000);
    expect(dlq.map((m) => String(m.headers?.['agentwatch-error-reason']))).toEqual(['not_json', 'schema', 'too_large', 'schema']);
    const [first] = dlq;
    expect(String(first?.headers?.['kafka_dlt-original-topic'])).toBe(config.kafka.topics.input);
    expect(String(first?.headers?.['kafka_dlt-original-partition'])).toBe('0');
    expect(String(first?.headers?.['kafka_dlt-original-offset'])).toBe('1');
    expect(String(first?.headers?.['kafka_dlt-original-consumer-group'])).toBe(config.kafka.groupId);
    expect(String(first?.headers?.['kafka_dlt-exception-message'])).toMatch(/not valid JSON/);
    expect(String(first?.value)).toBe('{"not json');
    await sleep(500);
    expect(pipeline.stats.accepted).toBe(2);
    expect(pipeline.stats.rejected).toEqual({ not_json: 1, schema: 2, too_large: 1 });
  });

  it('stopped and restarted mid-stream, it neither forgets nor re-raises: the alerts equal an uninterrupted run', async () => {
    const config = isolatedConfig(brokers);
    const kafka = testKafka(config);
    const half = Math.floor(lines.length * 0.85);
    const first = await start(config);
    await produceLines(kafka, config.kafka.topics.input, lines.slice(0, half), agentKey);
    for (let i = 0; i < 1200 && first.stats.consumed < half; i++) await sleep(100);
    expect(first.stats.consumed).toBe(half);
    await first.stop();

    const second = await start(config);
    await produceLines(kafka, config.kafka.topics.input, lines.slice(half), agentKey);
    const out = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => new Set(alertIds(all)).size >= reference.size, 180_000);
    await sleep(1000);
    expect(second.stats.restoredAgents).toBeGreaterThan(0);
    // The second instance started at the committed offset: it saw only the second part.
    expect(second.stats.consumed).toBe(lines.length - half);
    const ids = openingIds(out);
    expect(new Set(ids)).toEqual(reference);
    expect(ids.length).toBe(reference.size);
    const revs = revisions(out);
    expect(new Set(revs).size).toBe(revs.length);
  });

  it('two instances share the partitions; when one is killed (SIGKILL) the other takes over with its baselines', async () => {
    const config = isolatedConfig(brokers, { partitions: 4 });
    const kafka = testKafka(config);
    const env = runEnv(config, { AGENTWATCH_BASELINES_DIR: baselinesDir, AGENTWATCH_FLUSH_INTERVAL_MS: '300' });
    // Topics first (4 partitions), so both instances join one group over the same layout.
    const admin = kafka.admin();
    await admin.connect();
    const { ensureTopics } = await import('../../src/kafka/ensure-topics.js');
    await ensureTopics(admin, config.kafka);
    await admin.disconnect();
    const launch = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', 'run'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr?.on('data', (d) => (log += String(d)));
      children.push(child);
      return { child, log: () => log };
    };
    const a = launch();
    const b = launch();
    for (let i = 0; i < 300 && !(a.log().includes('"partitions assigned"') && b.log().includes('"partitions assigned"')); i++) await sleep(100);
    // Both hold partitions before the stream starts.
    await sleep(2000);
    const chunk = Math.ceil(lines.length / 10);
    for (let i = 0; i < 10; i++) {
      await produceLines(kafka, config.kafka.topics.input, lines.slice(i * chunk, (i + 1) * chunk), agentKey);
      if (i === 6) a.child.kill('SIGKILL');
      await sleep(300);
    }
    const out = await consumeUntil(
      kafka,
      config.kafka.topics.alerts,
      (all) => reference.size > 0 && [...reference].every((id) => alertIds(all).includes(id)),
      180_000,
    );
    const ids = alertIds(out);
    for (const id of reference) expect(ids).toContain(id);
    for (const id of ids) expect(reference.has(id)).toBe(true);
    b.child.kill('SIGTERM');
  });
});
