import { afterAll, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { cli } from '../helpers/cli.js';
import { BURST_DAY10, BURST_DAY9, exporterBursts, toLines } from '../helpers/exporter-bursts.js';
import { agentKey, consumeUntil, isolatedConfig, produceLines, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const parse = (m: { value: Buffer | null }) => JSON.parse(String(m.value)) as Alert;

describeKafka('analyst feedback live, through the feedback topic', { timeout: 240_000 }, () => {
  const running: LivePipeline[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop().catch(() => undefined)));
  });

  it('a normal verdict published with `agentwatch feedback` resolves the incident and stops the repeat', async () => {
    const config = isolatedConfig(kafkaBrokers() as string, { partitions: 1 });
    const kafka = testKafka(config);
    const pipeline = new LivePipeline(kafka, config, DeclaredBaselines.empty(), quiet);
    pipeline.running.catch(() => undefined);
    running.push(pipeline);
    await pipeline.start();

    const events = exporterBursts();
    const lines = toLines(events);
    // Up to three minutes into the first burst: its alert is open when the analyst answers.
    const cut = events.findIndex((e) => e.timeMs >= BURST_DAY9 + 3 * 60_000);
    await produceLines(kafka, config.kafka.topics.input, lines.slice(0, cut), agentKey);
    const opened = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => all.some((m) => parse(m).status === 'open'), 120_000);
    const alert = opened.map(parse).find((a) => a.status === 'open')!;
    expect([alert.detector, alert.agentId]).toEqual(['rate_spike', 'spn:exporter']);

    const f = await cli(['feedback', alert.id, '--normal', '--by', 'soc-oncall'], { env: runEnv(config) });
    expect(f.status, f.stderr).toBe(0);
    expect(f.stderr).toContain(`published to ${config.kafka.topics.feedback}`);
    const resolved = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => all.some((m) => parse(m).status === 'resolved'), 60_000);
    expect(
      resolved
        .map(parse)
        .filter((a) => a.status === 'resolved')
        .map((a) => [a.id, a.episode?.resolution]),
    ).toEqual([[alert.id, 'normal']]);

    await produceLines(kafka, config.kafka.topics.input, lines.slice(cut), agentKey);
    for (let i = 0; i < 1200 && pipeline.stats.consumed < lines.length; i++) await sleep(100);
    expect(pipeline.stats.consumed).toBe(lines.length);
    await sleep(1000);
    const all = (await consumeUntil(kafka, config.kafka.topics.alerts, () => false, 5_000)).map(parse);
    // The day-10 burst is expected now: no new alert, only the first incident's messages.
    expect(all.filter((a) => a.status === 'open').map((a) => a.id)).toEqual([alert.id]);
    expect(all.every((a) => a.id === alert.id)).toBe(true);
    expect(pipeline.engine.stats.suppressed).toBeGreaterThanOrEqual(1);
    expect(Date.parse(all.at(-1)!.time)).toBeLessThan(BURST_DAY10);
  });
});
