// `agentwatch produce` against the real test broker: what goes in comes back out, keyed by
// agent, byte for byte; --rate paces; an unreachable broker is a clean error.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KAFKA_RETRY } from '../../src/kafka/kafka-client.js';
import { cli } from '../helpers/cli.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const AGENTS = ['spn:invoice-summarizer-01', 'mi:report-builder', 'sa:k8s/default/ingest'];

/** `n` native events spread over three agents, one with non-ASCII text (byte identity must hold). */
function eventLines(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `${prefix}-${i}`,
      time: new Date(Date.UTC(2026, 2, 10, 9, 0, i)).toISOString(),
      agentId: AGENTS[i % AGENTS.length],
      category: 'resource_access',
      action: 'storage.blob.read',
      resource: `https://contoso.blob.core.windows.net/invoices/${i}.pdf`,
      source: { city: i % 2 ? 'Zürich' : 'Łódź' },
    }),
  );
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'aw-produce-'));
}

describe('agentwatch produce (no broker needed)', () => {
  it('has --help with an example', async () => {
    const r = await cli(['produce', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Example:\n {2}agentwatch produce /);
    expect(r.stdout).toContain('--rate');
  });

  it('rejects a rate that is not a positive number', async () => {
    const r = await cli(['produce', 'x.jsonl', '--rate', '0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--rate.*positive number/);
  });

  it('fails cleanly when the brokers are unreachable', async () => {
    const file = join(tempDir(), 'events.jsonl');
    writeFileSync(file, `${eventLines(3, 'down').join('\n')}\n`);
    const r = await cli(['produce', file], { env: { AGENTWATCH_KAFKA_BROKERS: '127.0.0.1:1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/agentwatch: cannot connect to Kafka at 127\.0\.0\.1:1: .*\[AW_KAFKA_UNAVAILABLE\]/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one clear line, no stack
  }, 60_000);

  it('gives up after the bounded retries: one connection attempt and one per retry', async () => {
    // Counted, not timed: a listener that accepts each connection and closes it at once.
    let attempts = 0;
    const listener = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const file = join(tempDir(), 'events.jsonl');
    writeFileSync(file, `${eventLines(3, 'closed').join('\n')}\n`);
    try {
      const r = await cli(['produce', file], { env: { AGENTWATCH_KAFKA_BROKERS: `127.0.0.1:${port}` } });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`agentwatch: cannot connect to Kafka at 127\\.0\\.0\\.1:${port}: .*\\[AW_KAFKA_UNAVAILABLE\\]`));
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(attempts).toBe((DEFAULT_KAFKA_RETRY.retries ?? 5) + 1);
  }, 60_000);
});

describeKafka('agentwatch produce (Kafka)', () => {
  const brokers = kafkaBrokers() ?? '';
  const topics: string[] = [];
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'agentwatch-it-produce',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (topics.length) await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  /** Reads `count` messages of `topic` from the beginning through a fresh consumer group. */
  async function consume(topic: string, count: number): Promise<{ key: Buffer | null; value: Buffer | null; partition: number }[]> {
    const received: { key: Buffer | null; value: Buffer | null; partition: number }[] = [];
    const consumer: Consumer = kafka.consumer({ groupId: `agentwatch-it-produce-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length}/${count} messages of ${topic} within 30 s`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message, partition }) => {
            received.push({ key: message.key, value: message.value, partition });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return received;
  }

  it('publishes every event keyed by agentId with its line bytes unchanged, and skips lines it cannot key', async () => {
    const topic = `agentwatch-it-produce-${randomUUID()}`;
    topics.push(topic);
    const dir = tempDir();
    const plain = eventLines(20, 'plain');
    const gz = eventLines(10, 'gz');
    // A not-JSON line, one without agentId and a blank line: skipped (the first two counted).
    writeFileSync(
      join(dir, 'a.jsonl'),
      `${plain.slice(0, 10).join('\n')}\nnot json at all\n\n{"id":"x","category":"api_call"}\n${plain.slice(10).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync(`${gz.join('\n')}\n`));

    const r = await cli(['produce', join(dir, 'a.jsonl'), join(dir, 'b.jsonl.gz'), '--topic', topic], { env: { AGENTWATCH_KAFKA_BROKERS: brokers } });
    expect(r.stderr).toContain(`Produced 30 events to topic ${topic} (created)`);
    expect(r.stderr).toMatch(/Skipped 2 lines \(1 not JSON, 1 without agentId\); first at .*a\.jsonl:11/);
    expect(r.status).toBe(0);

    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3); // kafka.partitions default

    const received = await consume(topic, 30);
    const expected = [...plain, ...gz];
    expect(received).toHaveLength(30);
    const byValue = new Map(received.map((m) => [m.value?.toString('utf8') ?? '', m]));
    for (const line of expected) {
      const m = byValue.get(line);
      expect(m, line).toBeDefined();
      expect(m!.value!.equals(Buffer.from(line, 'utf8'))).toBe(true);
      expect(m!.key?.toString('utf8')).toBe(JSON.parse(line).agentId);
    }
    // Keyed by agent: each agent's events on one partition, in file order.
    for (const agent of AGENTS) {
      const mine = received.filter((m) => m.key?.toString() === agent);
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => JSON.parse(m.value!.toString()).id)).toEqual(expected.filter((l) => JSON.parse(l).agentId === agent).map((l) => JSON.parse(l).id));
    }
  }, 90_000);

  it('paces with --rate (token bucket) and says so in its summary', async () => {
    const topic = `agentwatch-it-produce-rate-${randomUUID()}`;
    topics.push(topic);
    const file = join(tempDir(), 'events.jsonl');
    writeFileSync(file, `${eventLines(40, 'rate').join('\n')}\n`);

    const r = await cli(['produce', file, '--topic', topic, '--rate', '100'], { env: { AGENTWATCH_KAFKA_BROKERS: brokers } });
    expect(r.status).toBe(0);
    const m = /Produced 40 events to topic \S+ \(created\) in ([\d.]+) s \((\d+) events\/s, paced at 100 events\/s\)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    // One-sided bounds only (a slow machine makes it slower, never faster): 40 events at 100/s
    // with a 2-event bucket cannot take less than 0.38 s.
    expect(Number(m![1])).toBeGreaterThanOrEqual(0.3);
    expect(Number(m![2])).toBeLessThanOrEqual(120);
    expect(await consume(topic, 40)).toHaveLength(40);
  }, 90_000);
});
