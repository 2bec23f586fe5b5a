import { type Kafka, type Message, Partitioners } from 'kafkajs';
import { type AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { InvalidConfigError } from '../core/errors.js';
import { restoreFromChangelog } from './changelog-restore.js';

const SEND_CHUNK = 500;

export interface SeedResult {
  /** Snapshots written to the changelog. */
  seeded: number;
  /** Agents left alone: the changelog already has them (a deployment learned them). */
  alreadyPresent: number;
  inputPartitions: number;
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
export async function seedChangelog(kafka: Kafka, topics: { input: string; baselines: string }, agents: readonly AgentSnapshot[], groupPrefix: string): Promise<SeedResult> {
  const started = performance.now();
  const admin = kafka.admin();
  await admin.connect();
  let inputMeta: { partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number }[];
  let changelogPartitions: number;
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topics.input, topics.baselines] });
    inputMeta = meta.topics.find((t) => t.name === topics.input)?.partitions ?? [];
    changelogPartitions = meta.topics.find((t) => t.name === topics.baselines)?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
  if (inputMeta.length === 0) throw new InvalidConfigError(`cannot seed the changelog: input topic ${topics.input} has no partitions`);
  if (changelogPartitions < inputMeta.length) {
    throw new InvalidConfigError(`cannot seed the changelog: ${topics.baselines} has ${changelogPartitions} partitions, fewer than the ${inputMeta.length} of ${topics.input}`);
  }
  const present = (await restoreFromChangelog(kafka, topics.baselines, inputMeta.map((p) => p.partitionId), groupPrefix)).snapshots;
  const partitionOf = Partitioners.DefaultPartitioner();
  const messages: Message[] = [];
  for (const snapshot of agents) {
    if (present.has(snapshot.agentId)) continue;
    const partition = partitionOf({ topic: topics.input, partitionMetadata: inputMeta, message: { key: snapshot.agentId, value: null } });
    messages.push({ key: snapshot.agentId, value: JSON.stringify(snapshot), partition });
  }
  if (messages.length > 0) {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += SEND_CHUNK) await producer.send({ topic: topics.baselines, acks: -1, messages: messages.slice(i, i + SEND_CHUNK) });
    } finally {
      await producer.disconnect();
    }
  }
  return { seeded: messages.length, alreadyPresent: agents.length - messages.length, inputPartitions: inputMeta.length, ms: performance.now() - started };
}
