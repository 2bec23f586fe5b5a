// `agentwatch tail` against the test broker: the alerts already on a topic (--from-beginning),
// printed one line each or as JSON, then it stops (--count); a missing topic is one clear line.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTail } from '../../src/cli/tail-command.js';
import type { Config } from '../../src/config/config-schema.js';
import { testAlert } from '../helpers/alert-fixture.js';
import { isolatedConfig, produceLines, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

describeKafka('agentwatch tail', () => {
  let config: Config;
  const saved = { ...process.env };

  beforeAll(async () => {
    config = isolatedConfig(kafkaBrokers()!, { partitions: 1 });
    const admin = testKafka(config).admin();
    await admin.connect();
    // Waits for the new topic's leader, so the first produce does not race its election.
    await admin.createTopics({ topics: [{ topic: config.kafka.topics.alerts, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const alerts = [
      testAlert(1),
      testAlert(1, {
        status: 'update',
        episode: { revision: 1, count: 2, firstTime: testAlert(1).time, lastTime: testAlert(2).time, peakScore: 80, peakObserved: {} },
      }),
      testAlert(3, { detector: 'off_hours', severity: 'medium' }),
    ];
    await produceLines(
      testKafka(config),
      config.kafka.topics.alerts,
      alerts.map((a) => JSON.stringify(a)),
      () => 'k',
    );
    process.env['AGENTWATCH_KAFKA_BROKERS'] = config.kafka.brokers.join(',');
    process.env['AGENTWATCH_TOPIC_ALERTS'] = config.kafka.topics.alerts;
  });

  afterAll(() => {
    process.env = saved;
  });

  it('prints the alerts on the topic, one line each within the width, and stops after --count', async () => {
    const out = new PassThrough();
    expect(await runTail({ fromBeginning: true, count: '3' }, out)).toBe(3);
    const lines = String(out.read()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^2026-03-02 10:01 {2}HIGH {5}rate_spike {13}agent-1 made 401 calls\/min/);
    expect(lines[1]).toContain('update #1: ');
    expect(lines[2]).toMatch(/MEDIUM +off_hours/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(120);
  });

  it('--open-only leaves out updates; --json prints the messages unchanged', async () => {
    const open = new PassThrough();
    await runTail({ fromBeginning: true, count: '2', openOnly: true }, open);
    const lines = String(open.read()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/off_hours/);
    const json = new PassThrough();
    await runTail({ fromBeginning: true, count: '1', json: true }, json);
    expect(JSON.parse(String(json.read()).trim())).toEqual(testAlert(1));
  });

  it('names a topic that does not exist', async () => {
    await expect(runTail({ topic: 'no-such-topic-aw', count: '1' }, new PassThrough())).rejects.toThrow(
      /topic no-such-topic-aw does not exist .*agentwatch run/,
    );
  });
});
