import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const ops = ['storage.blob.read', 'storage.blob.list', 'queue.send'];
/** 20 calls a minute of its usual operations, 1 % of them failing. */
function normal(agent: string, days = 10, seed = 1) {
  let i = 0;
  return traffic(agent, T0, T0 + days * DAY, () => 20, seed).map((e) => ({
    ...e,
    action: ops[i++ % ops.length] as string,
    outcome: i % 100 === 0 ? ('failure' as const) : ('success' as const),
  }));
}
const at = T0 + 9 * DAY + 14 * HOUR;

describe('error_rate', () => {
  it('fires on permission enumeration: thirty denied discovery calls among the normal traffic', () => {
    const probes = Array.from({ length: 30 }, (_, i) => event('bot', at + i * 4_000, { action: `iam.list${i % 6}`, outcome: 'denied' }));
    const alerts = run(engineWith(), merge(normal('bot'), probes));
    expect(alerts.map((a) => a.detector)).toEqual(['error_rate']);
    const [a] = alerts;
    expect(Date.parse(a!.time)).toBeGreaterThanOrEqual(at);
    expect(Date.parse(a!.time)).toBeLessThan(at + 2 * MINUTE);
    expect(a!.evidence.every((id) => probes.some((p) => p.id === id))).toBe(true);
    expect(a!.observed['suspiciousErrors']).toBeGreaterThanOrEqual(10);
  });

  it('is quiet on two denials in a quiet minute', () => {
    const quiet = traffic('quiet', T0, T0 + 10 * DAY, () => 0.5, 2);
    const two = [event('quiet', at, { outcome: 'denied' }), event('quiet', at + 5_000, { outcome: 'denied' })];
    expect(run(engineWith(), merge(quiet, two))).toEqual([]);
  });

  it('is quiet when a provider outage or a rotated credential fails the usual calls', () => {
    let i = 0;
    const failing = normal('bot', 10, 3).map((e) =>
      e.timeMs >= at && e.timeMs < at + 10 * MINUTE && i++ % 2 === 0 ? { ...e, outcome: 'failure' as const } : e,
    );
    expect(run(engineWith(), failing)).toEqual([]);
  });

  it('is silent while the agent is learning', () => {
    const early = T0 + 2 * DAY;
    const probes = Array.from({ length: 40 }, (_, i) => event('bot', early + i * 3_000, { action: 'iam.list', outcome: 'denied' }));
    expect(run(engineWith(), merge(normal('bot', 3), probes))).toEqual([]);
  });
});
