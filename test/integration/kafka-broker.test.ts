// Proves the test broker works end to end with the client the project uses (kafkajs):
// create a topic, produce three keyed messages, read them back through a consumer group.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

describeKafka('Kafka test broker', () => {
  const topic = `agentwatch-it-broker-${randomUUID()}`;
  let kafka: Kafka;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'agentwatch-it',
      brokers: kafkaBrokers()!.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    if (admin) {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('creates a topic, produces 3 messages and consumes them back', async () => {
    expect(await admin!.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const meta = await admin!.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);

    const sent = [
      { key: 'agent-a', value: JSON.stringify({ id: 'e1', agentId: 'agent-a', action: 'storage.blob.read' }) },
      { key: 'agent-b', value: JSON.stringify({ id: 'e2', agentId: 'agent-b', action: 'iam:AttachRolePolicy' }) },
      { key: 'agent-a', value: JSON.stringify({ id: 'e3', agentId: 'agent-a', action: 'storage.blob.write' }) },
    ];
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const acks = await producer.send({ topic, messages: sent, acks: -1 });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    const received: { key: string; value: string; partition: number }[] = [];
    consumer = kafka.consumer({ groupId: `agentwatch-it-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer!.run({
        eachMessage: async ({ message, partition }) => {
          received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', partition });
          if (received.length >= sent.length) resolve();
        },
      });
    });
    await done;

    expect(received.map(({ key, value }) => ({ key, value })).sort((x, y) => x.value.localeCompare(y.value))).toEqual(sent);
    // Keyed by agent: one agent's events land on one partition, in order.
    const agentA = received.filter((m) => m.key === 'agent-a');
    expect(new Set(agentA.map((m) => m.partition)).size).toBe(1);
    expect(agentA.map((m) => JSON.parse(m.value).id)).toEqual(['e1', 'e3']);
  }, 60_000);
});
