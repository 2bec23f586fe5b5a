import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { describe, expect, it } from 'vitest';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { InvalidEventError, RejectReason } from '../../../src/core/errors.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { KafkaEventSource, KafkaSourceBatch, eventPosition } from '../../../src/sources/kafka/kafka-event-source.js';

const event = (id: string, agentId = 'a') => JSON.stringify({ id, time: '2026-03-02T10:00:00Z', agentId, category: 'api_call', action: 'x' });
const message = (offset: number, value: string): KafkaMessage =>
  ({ key: null, value: Buffer.from(value), headers: {}, offset: String(offset), timestamp: '0', attributes: 0 }) as unknown as KafkaMessage;

function read(values: string[], opts: { staleAfter?: number; refuse?: string } = {}) {
  const source = new KafkaEventSource({} as Kafka, parseConfig({}).kafka, {
    limits: { maxEventBytes: 1_000_000, maxDocumentBytes: 1_000_000 },
    format: undefined,
    deadLetterBytes: 1_000_000,
    onAssignment: () => undefined,
    onCrash: () => undefined,
    log: { warn: () => undefined },
  });
  let seen = 0;
  const payload = {
    batch: { topic: 'in', partition: 2, highWatermark: '100', messages: values.map((v, i) => message(10 + i, v)) },
    isRunning: () => true,
    isStale: () => opts.staleAfter !== undefined && seen >= opts.staleAfter,
    heartbeat: async () => undefined,
  } as unknown as EachBatchPayload;
  const events: { event: AuditEvent; position: number }[] = [];
  const rejects: { reason: string; offset: string | undefined }[] = [];
  const last = new KafkaSourceBatch(source, payload).read({
    consumed: () => void seen++,
    events: (es, first) => {
      events.push(...es.map((event, i) => ({ event, position: eventPosition(first, i) })));
      const refused = es.find((e) => e.id === opts.refuse);
      return refused && new InvalidEventError(RejectReason.TimeOutOfRange, 'out of range');
    },
    reject: (err, deadLetter) => rejects.push({ reason: err.reason, offset: deadLetter.headers?.['kafka_dlt-original-offset'] as string | undefined }),
  });
  return { last, events, rejects, seen };
}

describe('the Kafka event source', () => {
  it('gives each event its position (offset × 2^16) and dead-letters messages that are not events', () => {
    const r = read([event('e1'), 'not json', event('e2', 'b')]);
    expect(r.events.map((e) => [e.event.id, e.position])).toEqual([
      ['e1', 10 * 65_536],
      ['e2', 12 * 65_536],
    ]);
    expect(r.rejects).toEqual([{ reason: RejectReason.NotJson, offset: '11' }]);
    expect(r.last).toBe('12');
    expect(r.seen).toBe(3);
  });

  it('dead-letters a message whose event the pipeline refuses, after handing it over', () => {
    const r = read([event('e1'), event('late')], { refuse: 'late' });
    expect(r.events.map((e) => e.event.id)).toEqual(['e1', 'late']);
    expect(r.rejects).toEqual([{ reason: RejectReason.TimeOutOfRange, offset: '11' }]);
    expect(r.last).toBe('11');
  });

  it('stops reading when the batch goes stale (a rebalance), asking at its start and every 256 messages, and reports the last message read', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `e${i}`);
    const r = read(
      ids.map((id) => event(id)),
      { staleAfter: 2 },
    );
    // Stale after the second message: noticed at the 257th, the first asked again.
    expect(r.events.map((e) => e.event.id)).toEqual(ids.slice(0, 256));
    expect(r.last).toBe(String(10 + 255));
    const stale = read([event('e1'), event('e2')], { staleAfter: 0 });
    expect(stale.events).toEqual([]);
    expect(stale.last).toBeUndefined();
  });
});
