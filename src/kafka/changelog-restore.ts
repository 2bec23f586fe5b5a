import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { isAgentSnapshot } from '../core/baselines/agent-snapshot-schema.js';
import { withKafkaRetries } from './kafka-retry.js';

export interface RestoreResult {
  snapshots: Map<string, { partition: number; snapshot: AgentSnapshot }>;
  records: number;
  /** Records that were not a snapshot of their key's agent (corrupt, foreign): set aside, their neighbours restored. */
  invalid: number;
  ms: number;
}

/**
 * Reads the compacted changelog up to its end for the given partitions and returns the latest
 * snapshot of each agent (a null value is a tombstone). kafkajs cannot assign partitions without
 * a group, so a throw-away group reads the topic and the partitions not wanted are paused.
 */
export async function restoreFromChangelog(kafka: Kafka, topic: string, partitions: readonly number[], groupPrefix: string): Promise<RestoreResult> {
  const started = performance.now();
  const snapshots = new Map<string, { partition: number; snapshot: AgentSnapshot }>();
  const admin = kafka.admin();
  await withKafkaRetries(() => admin.connect());
  let records = 0;
  let invalid = 0;
  try {
    const offsets = await withKafkaRetries(() => admin.fetchTopicOffsets(topic));
    const end = new Map<number, bigint>();
    for (const o of offsets) {
      if (partitions.includes(o.partition) && BigInt(o.high) > BigInt(o.low)) end.set(o.partition, BigInt(o.high));
    }
    if (end.size === 0) return { snapshots, records, invalid, ms: performance.now() - started };
    const groupId = `${groupPrefix}-restore-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const remaining = new Set(end.keys());
        consumer.on(consumer.events.GROUP_JOIN, () => {
          const others = offsets.map((o) => o.partition).filter((p) => !end.has(p));
          if (others.length) consumer.pause([{ topic, partitions: others }]);
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const last = end.get(batch.partition);
              if (last === undefined) return;
              for (const m of batch.messages) {
                if (BigInt(m.offset) >= last) break;
                records++;
                const key = m.key?.toString();
                if (!key) continue;
                if (m.value === null) snapshots.delete(key);
                else {
                  const snapshot = parseSnapshot(key, m.value);
                  if (snapshot) snapshots.set(key, { partition: batch.partition, snapshot });
                  else invalid++;
                }
              }
              if (BigInt(batch.lastOffset()) + 1n >= last) {
                remaining.delete(batch.partition);
                if (remaining.size === 0) resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
  return { snapshots, records, invalid, ms: performance.now() - started };
}

/** The record's snapshot if it is one of its key's agent, else undefined (counted as invalid by the caller). */
export function parseSnapshot(key: string, value: Buffer): AgentSnapshot | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  return isAgentSnapshot(parsed) && parsed.agentId === key ? parsed : undefined;
}
