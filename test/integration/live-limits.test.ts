import { Partitioners } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { ChangelogWriteError } from '../../src/core/errors.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { consumeUntil, isolatedConfig, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const event = (i: number, agentId = 'a') =>
  JSON.stringify({
    id: `ok-${i}`,
    time: new Date(Date.parse('2026-03-02T10:00:00Z') + i * 1000).toISOString(),
    agentId,
    category: 'resource_access',
    action: 'read',
    resource: `s3://bucket/${agentId}/${i}`,
  });

// Issue 12: sizes the broker refuses must never block a partition or pass for a clean stop.
describeKafka('agentwatch run at the size limits of its topics', { timeout: 180_000 }, () => {
  const brokers = kafkaBrokers() as string;
  const pipelines: LivePipeline[] = [];
  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.stop().catch(() => undefined)));
  });

  async function createTopics(config: ReturnType<typeof isolatedConfig>, overrides: Record<string, string>) {
    const admin = testKafka(config).admin();
    await admin.connect();
    const t = config.kafka.topics;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [t.input, t.alerts, t.deadLetter, t.baselines, t.feedback].map((topic) => ({
        topic,
        numPartitions: topic === t.feedback ? 1 : 1,
        configEntries: [
          ...(topic === t.baselines || topic === t.feedback ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
          ...(overrides[topic] ? [{ name: 'max.message.bytes', value: overrides[topic] as string }] : []),
        ],
      })),
    });
    await admin.disconnect();
  }

  it('dead-letters a message too large for the dead-letter topic as a truncated copy with its size, and goes on', async () => {
    const config = isolatedConfig(brokers, { partitions: 1 });
    // The input takes 3 MB messages; the dead-letter topic only Kafka's default 1 MB.
    await createTopics(config, { [config.kafka.topics.input]: String(4 * 1_048_576) });
    const pipeline = new LivePipeline(testKafka(config), config, DeclaredBaselines.empty(), quiet);
    pipelines.push(pipeline);
    pipeline.running.catch(() => undefined);
    await pipeline.start();
    const producer = testKafka(config).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const huge = JSON.stringify({
      id: 'huge',
      time: '2026-03-02T10:00:01.500Z',
      agentId: 'a',
      category: 'api_call',
      action: 'x',
      attributes: { pad: 'x'.repeat(3 * 1_048_576) },
    });
    await producer.send({
      topic: config.kafka.topics.input,
      acks: -1,
      messages: [
        { key: 'a', value: event(1) },
        { key: 'a', value: huge },
        { key: 'a', value: event(2) },
      ],
    });
    await producer.disconnect();
    const dlq = await consumeUntil(testKafka(config), config.kafka.topics.deadLetter, (all) => all.length >= 1, 60_000);
    const [letter] = dlq;
    expect(String(letter?.headers?.['agentwatch-error-reason'])).toBe('too_large');
    expect(String(letter?.headers?.['agentwatch-truncated'])).toBe('true');
    expect(String(letter?.headers?.['agentwatch-original-bytes'])).toBe(String(Buffer.byteLength(huge)));
    expect(String(letter?.headers?.['kafka_dlt-original-offset'])).toBe('1');
    expect(letter?.value?.length).toBeGreaterThan(500_000);
    expect(letter?.value?.length).toBeLessThan(1_048_576);
    for (let i = 0; i < 100 && pipeline.stats.accepted < 2; i++) await sleep(100);
    // The event after it was processed: the partition is not blocked.
    expect(pipeline.stats.accepted).toBe(2);
    expect(pipeline.stats.rejected).toEqual({ too_large: 1 });
    await pipeline.stop();
  });

  it('a changelog flush the broker refuses at shutdown is an error, never a clean stop', async () => {
    const config = isolatedConfig(brokers, { partitions: 1, flushIntervalMs: 600_000 });
    // A changelog topic that takes no snapshot at all.
    await createTopics(config, { [config.kafka.topics.baselines]: '200' });
    const pipeline = new LivePipeline(testKafka(config), config, DeclaredBaselines.empty(), quiet);
    pipeline.running.catch(() => undefined);
    await pipeline.start();
    const producer = testKafka(config).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: config.kafka.topics.input,
      acks: -1,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `agent-${i % 4}`, value: event(i, `agent-${i % 4}`) })),
    });
    await producer.disconnect();
    for (let i = 0; i < 200 && pipeline.stats.accepted < 20; i++) await sleep(100);
    expect(pipeline.stats.accepted).toBe(20);
    const stopped = await pipeline.stop().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(stopped).toBeInstanceOf(ChangelogWriteError);
    expect((stopped as ChangelogWriteError).code).toBe('AW_CHANGELOG');
    expect((stopped as Error).message).toMatch(/cannot write 4 baselines/);
  });
});
