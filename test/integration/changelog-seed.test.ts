import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../src/core/baselines/agent-baseline-snapshot.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { restoreFromChangelog } from '../../src/kafka/changelog-restore.js';
import { seedChangelog } from '../../src/kafka/changelog-seed.js';
import { ensureTopics } from '../../src/kafka/ensure-topics.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { isolatedConfig, produceLines, sleep, testKafka } from '../helpers/kafka.js';
import { HOUR, T0, engineWith, run, traffic } from '../helpers/traffic.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const AGENTS = Array.from({ length: 12 }, (_, i) => `agent:seed-${i}`);

describeKafka('seeding the changelog from a saved state', { timeout: 240_000 }, () => {
  const brokers = kafkaBrokers() as string;
  const pipelines: LivePipeline[] = [];

  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.stop().catch(() => undefined)));
  });

  it('puts each agent on the partition of its input events, never overwrites, and every instance of a group restores its own share', async () => {
    const engine = engineWith();
    run(
      engine,
      AGENTS.flatMap((id, i) => traffic(id, T0, T0 + 2 * HOUR, () => 2, i + 1)).sort((a, b) => a.timeMs - b.timeMs),
    );
    const agents = engine.snapshot().agents;
    expect(agents).toHaveLength(12);
    const config = isolatedConfig(brokers, { partitions: 4 });
    const kafka = testKafka(config);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, config.kafka);
    await admin.disconnect();

    const first = await seedChangelog(kafka, config.kafka.topics, agents, config.kafka.groupId);
    expect(first).toMatchObject({ seeded: 12, alreadyPresent: 0, inputPartitions: 4 });

    // Where a producer keyed by agent id (as the input topic's are) puts each agent's events.
    await produceLines(
      kafka,
      config.kafka.topics.input,
      AGENTS.map((agentId, i) => JSON.stringify({ id: `e${i}`, time: T0 + 3 * HOUR, agentId, category: 'api_call', action: 'x' })),
      (l) => (JSON.parse(l) as { agentId: string }).agentId,
    );
    const inputPartition = new Map<string, number>();
    const reader = kafka.consumer({ groupId: `aw-reader-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topics: [config.kafka.topics.input], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      void reader.run({
        eachMessage: async ({ partition, message }) => {
          inputPartition.set(String(message.key), partition);
          if (inputPartition.size === 12) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await reader.disconnect();
    const seeded = (await restoreFromChangelog(kafka, config.kafka.topics.baselines, [0, 1, 2, 3], config.kafka.groupId)).snapshots;
    expect([...seeded.keys()].sort()).toEqual([...AGENTS].sort());
    for (const id of AGENTS) expect(seeded.get(id)?.partition, id).toBe(inputPartition.get(id));
    expect(new Set(inputPartition.values()).size).toBeGreaterThan(1);

    // A deployment has since learned more about one agent: seeding again leaves it (and all) alone.
    const learned: AgentSnapshot = { ...(agents[0] as AgentSnapshot), eventCount: 999_999 };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: config.kafka.topics.baselines,
      acks: -1,
      messages: [{ key: learned.agentId, value: JSON.stringify(learned), partition: inputPartition.get(learned.agentId) as number }],
    });
    await producer.disconnect();
    const again = await seedChangelog(kafka, config.kafka.topics, agents, config.kafka.groupId);
    expect(again).toMatchObject({ seeded: 0, alreadyPresent: 12 });
    const after = (await restoreFromChangelog(kafka, config.kafka.topics.baselines, [0, 1, 2, 3], config.kafka.groupId)).snapshots;
    expect(after.get(learned.agentId)?.snapshot.eventCount).toBe(999_999);

    // Two instances of one group: each restores exactly the agents of the partitions it owns.
    for (let i = 0; i < 2; i++) {
      const p = new LivePipeline(testKafka(config), config, DeclaredBaselines.empty(), quiet);
      p.running.catch(() => undefined);
      pipelines.push(p);
      void p.start();
    }
    const holdersNow = () => AGENTS.map((id) => pipelines.filter((p) => p.engine.agent(id) !== undefined).length);
    // Until the group has settled: both ready (partitions assigned, baselines restored), every agent held once.
    for (let i = 0; i < 900; i++) {
      if (pipelines.every((p) => p.readiness().ready && p.engine.agentCount > 0) && holdersNow().every((n) => n === 1)) break;
      await sleep(100);
    }
    const holders = holdersNow();
    expect(holders).toEqual(Array(12).fill(1));
    expect(pipelines.every((p) => p.engine.agentCount > 0)).toBe(true);
    const owner = pipelines.find((p) => p.engine.agent(learned.agentId) !== undefined);
    // The learned record, not the seed (plus the one input event above, processed since).
    expect(owner?.engine.agent(learned.agentId)?.eventCount).toBeGreaterThanOrEqual(999_999);
  });
});
