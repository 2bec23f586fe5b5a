import { randomUUID } from 'node:crypto';
import { type Kafka, type KafkaMessage, type Message, Partitioners } from 'kafkajs';
import type { AgentSnapshot } from '../../src/core/baselines/agent-baseline-snapshot.js';
import { restoreFromChangelog } from '../../src/kafka/changelog-restore.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const keyOf = (line: string): string | null => {
  try {
    return (JSON.parse(line) as { agentId?: string }).agentId ?? null;
  } catch {
    return null;
  }
};

/**
 * Produces `lines` at about `perSecond` (steady load), keyed by agent id with the Java client's
 * partitioner; rides out a broker that is down by retrying each chunk (an idempotent producer:
 * a retried chunk is not written twice within its session). Resolves with the number of sends.
 */
export async function produceSteadily(
  kafka: Kafka,
  topic: string,
  lines: readonly string[],
  perSecond: number,
  opts: { chunk?: number } = {},
): Promise<number> {
  const chunk = opts.chunk ?? 500;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await retrying(() => producer.connect());
  let sends = 0;
  try {
    for (let i = 0; i < lines.length; i += chunk) {
      const started = Date.now();
      const messages: Message[] = lines.slice(i, i + chunk).map((value) => ({ key: keyOf(value), value }));
      await retrying(() => producer.send({ topic, messages, acks: -1 }));
      sends++;
      const due = (chunk / perSecond) * 1000 - (Date.now() - started);
      if (due > 0) await sleep(due);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return sends;
}

async function retrying<T>(fn: () => Promise<T>, deadlineMs = 180_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

/** Messages in a topic (sum of high watermarks): what the instance must account for. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await retrying(() => admin.connect());
  try {
    const offsets = await retrying(() => admin.fetchTopicOffsets(topic));
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Until the group has committed the end of every partition of `topic`. */
export async function waitCaughtUp(kafka: Kafka, groupId: string, topic: string, timeoutMs = 300_000): Promise<void> {
  const admin = kafka.admin();
  await retrying(() => admin.connect());
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const ends = await retrying(() => admin.fetchTopicOffsets(topic));
      const committed = await retrying(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      if (ends.every((e) => (at.get(e.partition) ?? -1) >= Number(e.high))) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not catch up on ${topic} within ${timeoutMs} ms`);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every message of a topic, read from the beginning to its current end. */
export async function readTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const total = await topicSize(kafka, topic);
  const out: KafkaMessage[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `aw-chaos-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} messages of ${topic}`)), 120_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          out.push(message);
          if (out.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export interface Outcome {
  /** Alert ids on the alerts topic (any status). */
  alertIds: Set<string>;
  /** Alert messages in all (ids repeat across an incident's updates, and after restarts). */
  alertMessages: number;
  /** Agents in the changelog (latest record per key, tombstones applied). */
  agents: number;
  /** Events the agents' final snapshots say they learned. */
  stateEvents: number;
  /** Distinct input messages on the dead-letter topic (by original partition and offset). */
  deadLetters: number;
  /** Dead-letter messages in all (a re-read message may be dead-lettered again). */
  deadLetterMessages: number;
  deadLetterReasons: Record<string, number>;
  snapshots: Map<string, AgentSnapshot>;
}

/** What an instance left behind: the alerts topic, the changelog's latest snapshots, the dead letters. */
export async function collectOutcome(
  kafka: Kafka,
  topics: { alerts: string; baselines: string; deadLetter: string; input: string },
  groupPrefix: string,
): Promise<Outcome> {
  const alerts = await readTopic(kafka, topics.alerts);
  const letters = await readTopic(kafka, topics.deadLetter);
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets(topics.baselines)).map((o) => o.partition);
  await admin.disconnect();
  const restored = await restoreFromChangelog(kafka, topics.baselines, partitions, groupPrefix);
  const snapshots = new Map([...restored.snapshots].map(([id, r]) => [id, r.snapshot]));
  const origins = new Set<string>();
  const reasons: Record<string, number> = {};
  for (const m of letters) {
    const h = m.headers ?? {};
    const origin = `${String(h['kafka_dlt-original-partition'])}/${String(h['kafka_dlt-original-offset'])}`;
    if (origins.has(origin)) continue;
    origins.add(origin);
    const reason = String(h['agentwatch-error-reason']);
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  let stateEvents = 0;
  for (const s of snapshots.values()) stateEvents += s.eventCount;
  return {
    alertIds: new Set(alerts.map((m) => (JSON.parse(String(m.value)) as { id: string }).id)),
    alertMessages: alerts.length,
    agents: snapshots.size,
    stateEvents,
    deadLetters: origins.size,
    deadLetterMessages: letters.length,
    deadLetterReasons: reasons,
    snapshots,
  };
}
