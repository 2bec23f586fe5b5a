// rate_drop live (issue 14 item 3): a silent agent sends nothing, so the service judges it from
// its partition's watermark, moved by the other agents of the partition; replay judges it from the
// stream's. Both report the same incident.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { replay } from '../../src/pipeline/replay.js';
import { DAY, HOUR, T0, merge, traffic } from '../helpers/traffic.js';
import { agentKey, consumeUntil, isolatedConfig, produceLines, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const SILENCE = T0 + 8 * DAY + 9 * HOUR;
const END = T0 + 8 * DAY + 14 * HOUR;

const line = (e: AuditEvent) =>
  JSON.stringify({ id: e.id, time: new Date(e.timeMs).toISOString(), agentId: e.agentId, category: e.category, action: e.action, outcome: e.outcome });

describeKafka('rate_drop on a real broker', { timeout: 240_000 }, () => {
  const brokers = kafkaBrokers() as string;
  const pipelines: LivePipeline[] = [];
  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.stop().catch(() => undefined)));
  });

  it('reports a silent agent from the partition watermark, with the id replay gives it', async () => {
    const events = merge(
      traffic('svc-1', T0, END, () => 1, 31).filter((e) => e.timeMs < SILENCE || e.timeMs >= SILENCE + 3 * HOUR),
      traffic('clock-a', T0, END, () => 0.5, 32),
      traffic('clock-b', T0, END, () => 0.5, 33),
    );
    const lines = events.map(line);
    // One partition: the silent agent's partition clock is moved by the others.
    const config = isolatedConfig(brokers, { partitions: 1 });

    const dir = mkdtempSync(join(tmpdir(), 'aw-live-drop-'));
    writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    const replayed: Alert[] = [];
    await replay({
      files: [join(dir, 'events.jsonl')],
      config,
      baselines: DeclaredBaselines.empty(),
      sinks: [{ name: 'memory', write: (a) => void replayed.push(a), close: async () => {} }],
    });
    const reference = replayed.filter((a) => a.status === 'open');
    expect(reference.map((a) => [a.detector, a.agentId])).toEqual([['rate_drop', 'svc-1']]);

    const pipeline = new LivePipeline(testKafka(config), config, DeclaredBaselines.empty(), quiet);
    pipelines.push(pipeline);
    pipeline.running.catch(() => undefined);
    await pipeline.start();
    const kafka = testKafka(config);
    await produceLines(kafka, config.kafka.topics.input, lines, agentKey);
    const out = await consumeUntil(
      kafka,
      config.kafka.topics.alerts,
      (all) => all.some((m) => (JSON.parse(String(m.value)) as Alert).detector === 'rate_drop'),
      180_000,
    );
    // Let the rest of the stream through: nothing else may open.
    for (let i = 0; i < 100 && pipeline.stats.accepted < lines.length; i++) await sleep(200);
    await sleep(1000);
    const all = [...out, ...(await consumeUntil(kafka, config.kafka.topics.alerts, () => false, 3000))].map((m) => JSON.parse(String(m.value)) as Alert);
    const opened = [...new Map(all.filter((a) => a.status === 'open').map((a) => [a.id, a])).values()];
    expect(opened.map((a) => [a.detector, a.agentId])).toEqual([['rate_drop', 'svc-1']]);
    const [alert] = opened;
    expect(alert!.id).toBe(reference[0]!.id);
    expect(Date.parse(alert!.time)).toBeGreaterThan(SILENCE);
    expect(Date.parse(alert!.time)).toBeLessThan(SILENCE + 3 * HOUR);
    expect(alert!.observed['kind']).toBe('silence');
    expect(pipeline.stats.accepted).toBe(lines.length);
  });
});
