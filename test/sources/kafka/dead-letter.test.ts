import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { messageBytes, messageChunks } from '../../../src/kafka/changelog-writer.js';
import { deadLetterMessage } from '../../../src/sources/kafka/dead-letter.js';

const message = (value: Buffer): KafkaMessage =>
  ({
    key: Buffer.from('agent-1'),
    value,
    headers: { traceparent: Buffer.from('00-abc-def-01') },
    offset: '42',
    timestamp: '1700000000000',
    attributes: 0,
  }) as unknown as KafkaMessage;
const src = (value: Buffer, maxBytes?: number) => ({
  topic: 'in',
  partition: 3,
  message: message(value),
  groupId: 'g',
  reason: 'too_large',
  error: 'message is too large',
  ...(maxBytes !== undefined && { maxBytes }),
});

describe('dead letters', () => {
  it('carry the message whole, with where it came from and why, when it fits', () => {
    const m = deadLetterMessage(src(Buffer.from('{"x":1}'), 10_000));
    expect(String(m.value)).toBe('{"x":1}');
    expect(m.headers?.['kafka_dlt-original-offset']).toBe('42');
    expect(m.headers?.['agentwatch-error-reason']).toBe('too_large');
    expect(m.headers?.['agentwatch-truncated']).toBeUndefined();
  });

  it('are truncated to the topic budget with their headers and original size, never dropped (a 1 MB message)', () => {
    const big = Buffer.alloc(1_048_576, 'a');
    const m = deadLetterMessage(src(big, 900_000));
    expect(messageBytes(m)).toBeLessThanOrEqual(900_000);
    expect(m.headers?.['agentwatch-truncated']).toBe('true');
    expect(m.headers?.['agentwatch-original-bytes']).toBe(String(big.length));
    expect(m.headers?.['kafka_dlt-original-partition']).toBe('3');
    expect((m.value as Buffer).length).toBeGreaterThan(800_000);
  });
});

describe('messageChunks', () => {
  it('splits messages into requests under the byte budget, in order', () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(10_000) }));
    const chunks = [...messageChunks(messages, 64_000)];
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(64_000);
    expect(chunks.flat().map((m) => m.key)).toEqual(messages.map((m) => m.key));
  });
});
