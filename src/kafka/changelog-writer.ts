import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { RECORD_OVERHEAD_BYTES } from './topic-limits.js';

export interface ChangelogRecord {
  key: string;
  /** The snapshot's JSON, or null for a tombstone (the agent is forgotten). */
  value: string | null;
  partition: number;
}

export interface ChangelogWriteResult {
  records: number;
  /** Keys and values, uncompressed. */
  bytes: number;
  requests: number;
}

/**
 * Writes changelog records in produce requests bounded by bytes (issue 12: all changed agents of
 * a partition in one request exceeded the topic's max.message.bytes, and every flush failed).
 * Each request holds at most `budgetBytes` of keys and values, gzip-compressed (snapshots are
 * repetitive JSON), acknowledged by all in-sync replicas; partitions are written concurrently,
 * each partition's requests in order. A record larger than the budget on its own must have
 * been trimmed by the caller (`trimSnapshot`); it is still sent, alone, and the broker decides.
 */
export async function writeChangelog(
  producer: Producer,
  topic: string,
  records: readonly ChangelogRecord[],
  budgetBytes: number,
): Promise<ChangelogWriteResult> {
  const byPartition = new Map<number, ChangelogRecord[]>();
  for (const r of records) {
    const list = byPartition.get(r.partition);
    if (list) list.push(r);
    else byPartition.set(r.partition, [r]);
  }
  let bytes = 0;
  let requests = 0;
  await Promise.all(
    [...byPartition.values()].map(async (list) => {
      for (const chunk of chunksOf(list, budgetBytes)) {
        requests++;
        bytes += chunk.bytes;
        await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk.messages });
      }
    }),
  );
  return { records: records.length, bytes, requests };
}

function* chunksOf(list: readonly ChangelogRecord[], budgetBytes: number): Generator<{ messages: Message[]; bytes: number }> {
  let messages: Message[] = [];
  let size = 0;
  let payload = 0;
  for (const r of list) {
    const n = Buffer.byteLength(r.key) + (r.value === null ? 0 : Buffer.byteLength(r.value));
    if (messages.length > 0 && size + n + RECORD_OVERHEAD_BYTES > budgetBytes) {
      yield { messages, bytes: payload };
      messages = [];
      size = 0;
      payload = 0;
    }
    messages.push({ key: r.key, value: r.value, partition: r.partition });
    size += n + RECORD_OVERHEAD_BYTES;
    payload += n;
  }
  if (messages.length > 0) yield { messages, bytes: payload };
}

/** Messages in requests of at most `budgetBytes` (key, value and headers), for any topic (alerts, dead letters). */
export function* messageChunks(messages: readonly Message[], budgetBytes: number): Generator<Message[]> {
  let chunk: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const n = messageBytes(m);
    if (chunk.length > 0 && size + n > budgetBytes) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(m);
    size += n;
  }
  if (chunk.length > 0) yield chunk;
}

export function messageBytes(m: Message): number {
  let n = RECORD_OVERHEAD_BYTES + byteLengthOf(m.key) + byteLengthOf(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {}))
    n += Buffer.byteLength(k) + (Array.isArray(v) ? v.reduce((s: number, x) => s + byteLengthOf(x), 0) : byteLengthOf(v)) + 8;
  return n;
}

function byteLengthOf(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
