import { Partitioners } from 'kafkajs';
import { expect, it } from 'vitest';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { restoreFromChangelog } from '../../src/kafka/changelog-restore.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { isolatedConfig, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const T0 = Date.parse('2026-03-02T00:00:00Z');

// Issue 13: with the real broker, a flood of random agent ids stays within engine.maxStateBytes,
// the fleet keeps its baselines, and the flood's agents are tombstoned in the changelog.
describeKafka('agentwatch run under a flood of agent ids, with a memory budget', { timeout: 240_000 }, () => {
  it('evicts the flood, keeps the fleet, tombstones the evicted and restores within the budget', async () => {
    const config = isolatedConfig(kafkaBrokers() as string, { partitions: 2, flushIntervalMs: 500 });
    config.engine.maxStateBytes = 8 * 1_048_576;
    const kafka = testKafka(config);
    const pipeline = new LivePipeline(kafka, config, DeclaredBaselines.empty(), quiet);
    pipeline.running.catch(() => undefined);
    await pipeline.start();
    const fleet = Array.from({ length: 10 }, (_, i) => `fleet-${i}`);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const floodSize = 20_000;
    let sent = 0;
    for (let k = 0; k < floodSize; k += 1_000) {
      const messages = [];
      for (let j = k; j < k + 1_000; j++) {
        const t = T0 + j * 1_000;
        const agentId = `flood-${((j * 2_654_435_761) >>> 0).toString(36)}-${j}`;
        messages.push({
          key: agentId,
          value: JSON.stringify({
            id: `f${j}`,
            time: new Date(t).toISOString(),
            agentId,
            category: 'resource_access',
            action: 'read',
            resource: `s3://x/${'y'.repeat(800)}/${j}`,
          }),
        });
        if (j % 100 === 0)
          for (const a of fleet)
            messages.push({
              key: a,
              value: JSON.stringify({ id: `${a}-${j}`, time: new Date(t).toISOString(), agentId: a, category: 'api_call', action: 'sts:GetCallerIdentity' }),
            });
      }
      sent += messages.length;
      await producer.send({ topic: config.kafka.topics.input, acks: -1, messages });
    }
    await producer.disconnect();
    for (let i = 0; i < 1_200 && pipeline.stats.consumed < sent; i++) await sleep(100);
    expect(pipeline.stats.consumed).toBe(sent);
    await sleep(1_500);
    const engine = pipeline.engine;
    expect(engine.stats.evictedAgents).toBeGreaterThan(floodSize / 2);
    expect(engine.stateBytesApprox).toBeLessThanOrEqual(8 * 1_048_576);
    for (const a of fleet) expect(engine.agent(a)?.eventCount).toBe(floodSize / 100);
    await pipeline.stop();

    // The changelog holds what the instance held: the evicted are tombstoned, the fleet is there.
    const restored = await restoreFromChangelog(kafka, config.kafka.topics.baselines, [0, 1], config.kafka.groupId);
    for (const a of fleet) expect(restored.snapshots.get(a)?.snapshot.eventCount).toBe(floodSize / 100);
    expect(restored.snapshots.size).toBeLessThan(floodSize / 2);
    expect(restored.snapshots.size).toBe(engine.agentCount);

    // A restart restores within the budget.
    const again = new LivePipeline(kafka, config, DeclaredBaselines.empty(), quiet);
    again.running.catch(() => undefined);
    await again.start();
    for (let i = 0; i < 300 && !(await again.restored()); i++) await sleep(100);
    expect(again.engine.stateBytesApprox).toBeLessThanOrEqual(8 * 1_048_576);
    for (const a of fleet) expect(again.engine.agent(a)?.eventCount).toBe(floodSize / 100);
    await again.stop();
  });
});
