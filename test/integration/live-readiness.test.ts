import { expect, it } from 'vitest';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.js';
import { isolatedConfig, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const quiet = { info: () => {}, warn: () => {} };

// Issue 12: /readyz must say "not ready" whenever the instance is not a member of its group.
describeKafka('readiness follows the group membership', { timeout: 120_000 }, () => {
  it('is false while a rebalance takes the partitions away, and true again once they are back', async () => {
    const config = isolatedConfig(kafkaBrokers() as string, { partitions: 2 });
    const kafka = testKafka(config);
    const a = new LivePipeline(kafka, config, DeclaredBaselines.empty(), quiet);
    a.running.catch(() => undefined);
    expect(a.readiness()).toEqual({ ready: false, reason: 'not connected to Kafka' });
    await a.start();
    for (let i = 0; i < 200 && !a.readiness().ready; i++) await sleep(50);
    expect(a.readiness().ready).toBe(true);

    // A second member joins: the group rebalances.
    const b = kafka.consumer({ groupId: config.kafka.groupId });
    await b.connect();
    await b.subscribe({ topics: [config.kafka.topics.input] });
    const reasons = new Set<string>();
    void b.run({ eachMessage: async () => {} });
    const until = Date.now() + 60_000;
    let readyAgain = false;
    while (Date.now() < until) {
      const r = a.readiness();
      if (!r.ready) reasons.add(r.reason);
      else if (reasons.size > 0) {
        readyAgain = true;
        break;
      }
      // Every turn of the event loop: the rejoin lasts a few round trips to the broker only.
      await new Promise((r) => setImmediate(r));
    }
    expect([...reasons]).toContain('not a member of the consumer group (joining or rebalancing)');
    expect(readyAgain).toBe(true);
    await b.disconnect();
    await a.stop();
    expect(a.readiness()).toMatchObject({ ready: false });
  });
});
