import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { ROOT } from '../helpers/cli.js';
import { consumeUntil, isolatedConfig, produceLines, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };
const FIXTURES = join(ROOT, 'test/formats');

// The AWS and Kubernetes packs in one folder, as a deployment watching both would have them.
function packs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aw-live-packs-'));
  for (const pack of ['aws', 'kubernetes']) {
    const from = join(ROOT, 'baselines/packs', pack);
    for (const name of readdirSync(from)) copyFileSync(join(from, name), join(dir, name));
  }
  return dir;
}

describeKafka('agentwatch run on CloudTrail and Kubernetes audit messages', { timeout: 180_000 }, () => {
  const running: LivePipeline[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop().catch(() => undefined)));
  });

  it('decodes each message by its format: envelopes yield several events, bad records go to the dead letters with the reason', async () => {
    const config = isolatedConfig(kafkaBrokers() as string, { partitions: 1 });
    config.engine.newSensitiveResource.quietColdStart = false;
    const pipeline = new LivePipeline(testKafka(config), config, loadBaselinesDir(packs()).baselines, quiet);
    pipeline.running.catch(() => undefined);
    running.push(pipeline);
    await pipeline.start();

    const eventBridge = readFileSync(join(FIXTURES, 'cloudtrail/fixtures/eventbridge.jsonl'), 'utf8').split('\n')[0] as string;
    // A whole S3 delivery file as one message: 7 events, an Insights record skipped, one bad record.
    const delivery = JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail/fixtures/s3-delivery.json'), 'utf8')));
    const clusterAdmin = readFileSync(join(FIXTURES, 'kubernetes/fixtures/audit.jsonl'), 'utf8').split('\n')[3] as string;
    const native = JSON.stringify({ id: 'n-1', time: '2026-03-02T10:05:00Z', agentId: 'native-agent', category: 'api_call', action: 'x' });
    const kafka = testKafka(config);
    await produceLines(kafka, config.kafka.topics.input, [eventBridge, delivery, clusterAdmin, '{"kind":0}', native], () => null);

    const dlq = await consumeUntil(kafka, config.kafka.topics.deadLetter, (all) => all.length >= 2, 120_000);
    expect(dlq.map((m) => String(m.headers?.['agentwatch-error-reason']))).toEqual(['bad_time', 'unknown_format']);
    expect(String(dlq[0]?.headers?.['kafka_dlt-exception-message'])).toContain(
      '1 of 8 records rejected; first: CloudTrail ListUsers ct-0009: no valid eventTime',
    );
    // The dead letter is the message as it arrived, good records and all.
    expect(String(dlq[0]?.value)).toBe(delivery);

    const permission = (a: Alert) => a.detector === 'new_permission' && a.status === 'open';
    const out = await consumeUntil(
      kafka,
      config.kafka.topics.alerts,
      (all) => all.map((m) => JSON.parse(String(m.value)) as Alert).filter(permission).length >= 3,
      120_000,
    );
    const grants = out
      .map((m) => JSON.parse(String(m.value)) as Alert)
      .filter(permission)
      .map((a) => [a.agentId, a.observed['permission'], a.severity]);
    expect(grants).toEqual(
      expect.arrayContaining([
        ['arn:aws:iam::111122223333:role/ci-deployer', 'iam:PutRolePolicy', 'critical'],
        ['arn:aws:iam::111122223333:user/deploy-bot', 'arn:aws:iam::aws:policy/AdministratorAccess', 'critical'],
        ['system:serviceaccount:ci:deployer', 'ClusterRole/cluster-admin', 'critical'],
      ]),
    );
    expect(pipeline.stats.accepted).toBe(1 + 7 + 1 + 1);
    expect(pipeline.stats.rejected).toEqual({ bad_time: 1, unknown_format: 1 });
  });
});
