import { expect, it } from 'vitest';
import { resultsMarkdown, runChaos } from '../../scripts/chaos/chaos-suite.js';
import { describeKafka } from '../setup/kafka-env.js';

// The short form of `npm run chaos` (issue 12): every fault scenario once, each judged by the
// rule "every reference alert reaches the alerts topic; every event is once in an agent's state
// or on the dead-letter topic". It runs its own broker (a free port, or AGENTWATCH_CHAOS_KAFKA_PORT), which it kills and resumes.
describeKafka('fault suite (quick form of npm run chaos)', { timeout: 900_000 }, () => {
  it('keeps every alert and counts every event once through kill -9, broker loss, rebalances, a big partition, bad clocks and a slow sink', async () => {
    const port = process.env.AGENTWATCH_CHAOS_KAFKA_PORT ? Number(process.env.AGENTWATCH_CHAOS_KAFKA_PORT) : undefined;
    const results = await runChaos({ quick: true, dist: false, ...(port !== undefined && { port }) });
    const report = resultsMarkdown(results, 'quick chaos');
    expect(results.map((r) => r.name)).toEqual(['kill-9', 'broker-restarts', 'join-leave', 'big-partition', 'bad-clocks', 'slow-sink']);
    for (const r of results) {
      expect(r.checks.length, report).toBeGreaterThanOrEqual(2);
      expect(
        r.checks.filter((c) => !c.ok),
        report,
      ).toEqual([]);
    }
  });
});
