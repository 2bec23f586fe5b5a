// `agentwatch produce` of a CloudTrail delivery file: each record becomes a native event, keyed
// by its agent, and the records that cannot be mapped are counted, not sent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { runProduce } from '../../src/cli/produce-command.js';
import { decodeAuditEvent } from '../../src/core/events/decode-audit-event.js';
import { ROOT } from '../helpers/cli.js';
import { consumeUntil, isolatedConfig, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

describeKafka('agentwatch produce on CloudTrail', { timeout: 120_000 }, () => {
  it('sends each record of a gzip delivery file as a native event keyed by its agent; bad records are counted', async () => {
    const config = isolatedConfig(kafkaBrokers() as string, { partitions: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'aw-produce-formats-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ kafka: { brokers: config.kafka.brokers } }));
    const delivery = join(dir, 'delivery.json.gz');
    writeFileSync(delivery, gzipSync(readFileSync(join(ROOT, 'test/formats/cloudtrail/fixtures/s3-delivery.json'))));

    const summary = await runProduce([delivery], { config: configFile, topic: config.kafka.topics.input, progress: false });
    expect(summary).toMatchObject({ sent: 7, lines: 7, skipped: { notJson: 0, noAgentId: 0, notMapped: 1 } });
    expect(summary.firstSkipped).toBe(`${delivery}:1#9`);

    const messages = await consumeUntil(testKafka(config), config.kafka.topics.input, (all) => all.length >= 7, 60_000);
    const events = messages.map((m) => ({ key: String(m.key), event: decodeAuditEvent(String(m.value)) }));
    for (const { key, event } of events) expect(key).toBe(event.agentId);
    expect(events.map((e) => e.event.id).sort()).toEqual(['ct-0001', 'ct-0002', 'ct-0003', 'ct-0004', 'ct-0005', 'ct-0006', 'req-0008']);
    expect(events.find((e) => e.event.id === 'ct-0002')?.event).toMatchObject({
      agentId: 'arn:aws:iam::111122223333:user/deploy-bot',
      category: 'permission_request',
      permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
      time: '2026-03-02T09:16:00.000Z',
    });
  });
});
