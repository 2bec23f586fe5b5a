import { type Kafka, Partitioners } from 'kafkajs';
import { trimSnapshot } from '../core/baselines/trim-snapshot.js';
import type { AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { InvalidConfigError } from '../core/errors.js';
import { restoreFromChangelog } from './changelog-restore.js';
import { type ChangelogRecord, writeChangelog } from './changelog-writer.js';
import { withKafkaRetries } from './kafka-retry.js';
import { maxMessageBytes, RECORD_OVERHEAD_BYTES, requestBudgetBytes } from './topic-limits.js';

export interface SeedResult {
  /** Snapshots written to the changelog. */
  seeded: number;
  /** Agents left alone: the changelog already has them (a deployment learned them). */
  alreadyPresent: number;
  inputPartitions: number;
  /** Snapshots too large for one request, written trimmed of their least recently seen entries. */
  trimmed: number;
  /** Produce requests it took (bounded by the changelog topic's max.message.bytes). */
  requests: number;
  ms: number;
}

/**
 * Seeds the compacted changelog with saved baselines (warm start of a live deployment), before
 * any instance restores from it: each agent's snapshot goes to the changelog partition of the
 * number its agent id maps to on the input topic (the Java client's murmur2 partitioner, as the
 * producers of the input topic and agentwatch itself use), so the instance that is assigned that
 * input partition restores it. Agents the changelog already holds are never overwritten: what a
 * running deployment learned wins over an older file, and seeding twice is harmless.
 */
export async function seedChangelog(
  kafka: Kafka,
  topics: { input: string; baselines: string },
  agents: readonly AgentSnapshot[],
  groupPrefix: string,
): Promise<SeedResult> {
  const started = performance.now();
  const admin = kafka.admin();
  await withKafkaRetries(() => admin.connect());
  let budget: number;
  let inputMeta: { partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number }[];
  let changelogPartitions: number;
  try {
    const meta = await withKafkaRetries(() => admin.fetchTopicMetadata({ topics: [topics.input, topics.baselines] }));
    budget = requestBudgetBytes((await withKafkaRetries(() => maxMessageBytes(admin, [topics.baselines]))).get(topics.baselines) as number);
    inputMeta = meta.topics.find((t) => t.name === topics.input)?.partitions ?? [];
    changelogPartitions = meta.topics.find((t) => t.name === topics.baselines)?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
  if (inputMeta.length === 0) throw new InvalidConfigError(`cannot seed the changelog: input topic ${topics.input} has no partitions`);
  if (changelogPartitions < inputMeta.length) {
    throw new InvalidConfigError(
      `cannot seed the changelog: ${topics.baselines} has ${changelogPartitions} partitions, fewer than the ${inputMeta.length} of ${topics.input}`,
    );
  }
  const present = (
    await restoreFromChangelog(
      kafka,
      topics.baselines,
      inputMeta.map((p) => p.partitionId),
      groupPrefix,
    )
  ).snapshots;
  const partitionOf = Partitioners.DefaultPartitioner();
  const records: ChangelogRecord[] = [];
  let trimmed = 0;
  for (const snapshot of agents) {
    if (present.has(snapshot.agentId)) continue;
    const partition = partitionOf({ topic: topics.input, partitionMetadata: inputMeta, message: { key: snapshot.agentId, value: null } });
    const fit = trimSnapshot(snapshot, budget - RECORD_OVERHEAD_BYTES - Buffer.byteLength(snapshot.agentId), (s) => Buffer.byteLength(s));
    if (fit.dropped > 0) trimmed++;
    records.push({ key: snapshot.agentId, value: fit.json, partition });
  }
  let requests = 0;
  if (records.length > 0) {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await withKafkaRetries(() => producer.connect());
    try {
      requests = (await writeChangelog(producer, topics.baselines, records, budget)).requests;
    } finally {
      await producer.disconnect();
    }
  }
  return {
    seeded: records.length,
    alreadyPresent: agents.length - records.length,
    inputPartitions: inputMeta.length,
    trimmed,
    requests,
    ms: performance.now() - started,
  };
}
