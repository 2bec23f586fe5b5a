import type { Admin } from 'kafkajs';
import type { KafkaConfig } from '../config/kafka-config-schema.js';
import { InvalidConfigError } from '../core/errors.js';
import { kafkaUnavailable } from './kafka-client.js';
import { withKafkaRetries } from './kafka-retry.js';
import { CREATED_TOPIC_MAX_MESSAGE_BYTES } from './topic-limits.js';

/**
 * Creates the topics agentwatch uses when missing. The changelog gets the input topic's
 * partition count and `cleanup.policy=compact`: each input partition's agents are restored from
 * the changelog partition of the same number (the Kafka Streams model). The changelog and the
 * dead-letter topic get a `max.message.bytes` large enough for big snapshots and dead letters;
 * requests are bounded well below whatever a topic allows in any case. Returns once every
 * partition of every topic has a leader that answers (issue 12: offsets fetched right after
 * creation failed with "This server is not the leader for that topic-partition").
 */
export async function ensureTopics(admin: Admin, config: KafkaConfig): Promise<{ inputPartitions: number }> {
  const t = config.topics;
  const maxMessage = { name: 'max.message.bytes', value: String(CREATED_TOPIC_MAX_MESSAGE_BYTES) };
  const existing = new Set(await withKafkaRetries(() => admin.listTopics()));
  const partitionsOf = async (topic: string) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
  const inputPartitions = existing.has(t.input) ? await partitionsOf(t.input) : config.partitions;
  const wanted = [
    { topic: t.input, numPartitions: inputPartitions },
    { topic: t.alerts, numPartitions: inputPartitions },
    { topic: t.deadLetter, numPartitions: inputPartitions, configEntries: [maxMessage] },
    { topic: t.baselines, numPartitions: inputPartitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, maxMessage] },
    // Verdicts are few and read whole by every instance: one partition keeps them in order.
    { topic: t.feedback, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ].filter((w) => !existing.has(w.topic));
  if (wanted.length > 0) {
    await withKafkaRetries(() =>
      admin.createTopics({ waitForLeaders: true, topics: wanted.map((w) => ({ ...w, replicationFactor: config.replicationFactor })) }),
    );
    await waitForLeaders(
      admin,
      wanted.map((w) => w.topic),
    );
  }
  if (existing.has(t.baselines)) {
    const changelog = await partitionsOf(t.baselines);
    if (changelog < inputPartitions) {
      throw new InvalidConfigError(
        `changelog topic ${t.baselines} has ${changelog} partitions, fewer than the ${inputPartitions} of ${t.input}: give it as many`,
      );
    }
  }
  return { inputPartitions };
}

/** Until the offsets of every partition of `topics` can be read (each has a leader that knows it is one). */
export async function waitForLeaders(admin: Admin, topics: readonly string[], deadlineMs = 30_000): Promise<void> {
  for (const topic of topics) await withKafkaRetries(() => admin.fetchTopicOffsets(topic), { deadlineMs });
}

function isKafkaJsError(err: unknown): boolean {
  return err instanceof Error && err.name.startsWith('KafkaJS');
}

/** Runs a Kafka step; a kafkajs failure (after its bounded retries) becomes a KafkaUnavailableError naming the step. */
export async function kafkaStep<T>(config: KafkaConfig, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isKafkaJsError(err)) throw kafkaUnavailable(config, err, doing);
    throw err;
  }
}

function alreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] };
  return e?.type === 'TOPIC_ALREADY_EXISTS' || (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((x) => x?.type === 'TOPIC_ALREADY_EXISTS'));
}

/** Creates one topic (`produce`'s target) with the configured partitions when it is missing; true if this call created it. */
export async function ensureTopic(admin: Admin, topic: string, config: KafkaConfig): Promise<boolean> {
  const topics = await kafkaStep(config, 'list topics on', () => admin.listTopics());
  if (topics.includes(topic)) return false;
  if (!config.createTopics) {
    throw new InvalidConfigError(`topic ${topic} does not exist and kafka.createTopics is false: create it first`);
  }
  try {
    return await admin.createTopics({
      topics: [{ topic, numPartitions: config.partitions, replicationFactor: config.replicationFactor }],
      waitForLeaders: true,
    });
  } catch (err) {
    if (alreadyExists(err)) return false; // created meanwhile by someone else
    if (isKafkaJsError(err)) throw kafkaUnavailable(config, err, `create topic ${topic} on`);
    throw err;
  }
}
