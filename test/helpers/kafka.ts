import { randomUUID } from 'node:crypto';
import { type Kafka, type KafkaMessage, type Message, Partitioners } from 'kafkajs';
import type { Config } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createKafka } from '../../src/kafka/kafka-client.js';

/** A config on the test broker with topics and a group of its own, so tests never see each other. */
export function isolatedConfig(brokers: string, overrides: { partitions?: number; flushIntervalMs?: number } = {}): Config {
  const id = randomUUID().slice(0, 8);
  const { config } = loadConfig(undefined, {});
  config.kafka.brokers = brokers.split(',');
  config.kafka.groupId = `aw-test-${id}`;
  config.kafka.topics = { input: `in-${id}`, alerts: `alerts-${id}`, deadLetter: `dlq-${id}`, baselines: `baselines-${id}`, feedback: `feedback-${id}` };
  config.kafka.partitions = overrides.partitions ?? 3;
  config.run.flushIntervalMs = overrides.flushIntervalMs ?? 300;
  return config;
}

export function testKafka(config: Config): Kafka {
  return createKafka(config.kafka, {
    clientId: 'agentwatch-test',
    quiet: [/Limiting retries for the idempotent producer/, /coordinator is (loading|not available)/],
  });
}

export async function produceLines(kafka: Kafka, topic: string, lines: readonly string[], keyOf: (line: string) => string | null): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < lines.length; i += 2000) {
      const messages: Message[] = lines.slice(i, i + 2000).map((value) => ({ key: keyOf(value), value }));
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning until `until` is satisfied or the time runs out. */
export async function consumeUntil(kafka: Kafka, topic: string, until: (all: KafkaMessage[]) => boolean, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `aw-reader-${randomUUID()}` });
  const all: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          all.push(message);
          if (until(all)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return all;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const agentKey = (line: string): string | null => {
  try {
    return (JSON.parse(line) as { agentId?: string }).agentId ?? null;
  } catch {
    return null;
  }
};

/** The environment that points an `agentwatch run` process at a test config's broker, group and topics (any free metrics port). */
export function runEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AGENTWATCH_KAFKA_BROKERS: config.kafka.brokers.join(','),
    AGENTWATCH_KAFKA_GROUP_ID: config.kafka.groupId,
    AGENTWATCH_TOPIC_INPUT: config.kafka.topics.input,
    AGENTWATCH_TOPIC_ALERTS: config.kafka.topics.alerts,
    AGENTWATCH_TOPIC_DLQ: config.kafka.topics.deadLetter,
    AGENTWATCH_TOPIC_BASELINES: config.kafka.topics.baselines,
    AGENTWATCH_TOPIC_FEEDBACK: config.kafka.topics.feedback,
    AGENTWATCH_METRICS_PORT: '0',
    ...extra,
  };
}
