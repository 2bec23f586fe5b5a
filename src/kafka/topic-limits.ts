import type { Admin } from 'kafkajs';

/** kafkajs's ConfigResourceTypes.TOPIC (the enum is in its types only, not exported at run time). */
const TOPIC_RESOURCE = 2;

/** Kafka's own default for `max.message.bytes` (1 MiB + record overhead), assumed when a topic does not say. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * `max.message.bytes` set on the changelog and dead-letter topics agentwatch creates: a record
 * batch (compressed) up to this size. Requests are built well below it in any case (issue 12).
 */
export const CREATED_TOPIC_MAX_MESSAGE_BYTES = 8 * 1_048_576;

/** Record overhead beyond key and value in a batch (varints, headers' framing, attributes): generous. */
export const RECORD_OVERHEAD_BYTES = 128;

/** The `max.message.bytes` of each topic, as the broker reports it (its default when unset). */
export async function maxMessageBytes(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['max.message.bytes'] })),
  });
  for (const res of r.resources) {
    const entry = res.configEntries.find((e) => e.configName === 'max.message.bytes');
    const n = Number(entry?.configValue);
    out.set(res.resourceName, Number.isFinite(n) && n > 0 ? n : KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  }
  for (const t of topics) if (!out.has(t)) out.set(t, KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  return out;
}

/**
 * The most bytes of keys and values one produce request may carry for a topic: 90 % of its
 * limit (record overhead and headers fit in the rest), and no more than 4 MiB so that one
 * request never holds the producer long.
 */
export function requestBudgetBytes(topicMaxMessageBytes: number): number {
  return Math.max(16_384, Math.min(Math.floor(topicMaxMessageBytes * 0.9), 4 * 1_048_576));
}
