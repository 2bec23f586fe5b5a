import { type Admin } from 'kafkajs';
import { type KafkaConfig } from '../config/kafka-config-schema.js';
import { InvalidConfigError } from '../core/errors.js';

/**
 * Creates the topics agentwatch uses when missing. The changelog gets the input topic's
 * partition count and `cleanup.policy=compact`: each input partition's agents are restored from
 * the changelog partition of the same number (the Kafka Streams model).
 */
export async function ensureTopics(admin: Admin, config: KafkaConfig): Promise<{ inputPartitions: number }> {
  const t = config.topics;
  const existing = new Set(await admin.listTopics());
  const partitionsOf = async (topic: string) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
  const inputPartitions = existing.has(t.input) ? await partitionsOf(t.input) : config.partitions;
  const wanted = [
    { topic: t.input, numPartitions: inputPartitions },
    { topic: t.alerts, numPartitions: inputPartitions },
    { topic: t.deadLetter, numPartitions: inputPartitions },
    { topic: t.baselines, numPartitions: inputPartitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    // Verdicts are few and read whole by every instance: one partition keeps them in order.
    { topic: t.feedback, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ].filter((w) => !existing.has(w.topic));
  if (wanted.length > 0) {
    await admin.createTopics({ waitForLeaders: true, topics: wanted.map((w) => ({ ...w, replicationFactor: config.replicationFactor })) });
  }
  if (existing.has(t.baselines)) {
    const changelog = await partitionsOf(t.baselines);
    if (changelog < inputPartitions) {
      throw new InvalidConfigError(`changelog topic ${t.baselines} has ${changelog} partitions, fewer than the ${inputPartitions} of ${t.input}: give it as many`);
    }
  }
  return { inputPartitions };
}
