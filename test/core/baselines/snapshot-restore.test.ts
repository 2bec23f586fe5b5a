import { describe, expect, it } from 'vitest';
import { type Alert } from '../../../src/core/alerts/alert.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const declared = {
  sensitive: [{ pattern: 'arn:aws:secretsmanager:*', label: 'secrets' }],
  agents: [{ match: { agentId: 'office' }, timezone: 'Europe/London' }],
};

function fleet() {
  const office = (t: number) => {
    const d = new Date(t);
    return (d.getUTCDay() + 6) % 7 < 5 && d.getUTCHours() >= 8 && d.getUTCHours() < 17 ? 5 : 0;
  };
  const spike = T0 + 10 * DAY + 13 * HOUR + 30 * MINUTE;
  const night = T0 + 11 * DAY + 3 * HOUR;
  return merge(
    traffic('steady', T0, T0 + 14 * DAY, () => 6, 1),
    traffic('office', T0, T0 + 14 * DAY, office, 2),
    traffic('steady', spike, spike + 8 * MINUTE, () => 90, 3),
    Array.from({ length: 25 }, (_, i) => event('office', night + i * 30_000)),
    [event('steady', T0 + 12 * DAY, { category: 'resource_access', resource: 'arn:aws:secretsmanager:x:1:secret:new' })],
  );
}

describe('baseline snapshot and restore', () => {
  it('a restored engine raises exactly the later alerts of one that never stopped', () => {
    const events = fleet();
    const reference = run(engineWith({}, declared), events);
    expect(reference.map((a) => a.detector).sort()).toEqual(['new_sensitive_resource', 'off_hours', 'rate_spike']);

    // Stop in the middle of a spike minute (mid-bucket, mid-incident) and in the middle of the night.
    for (const cut of [T0 + 10 * DAY + 13 * HOUR + 31 * MINUTE + 17_000, T0 + 11 * DAY + 3 * HOUR + 4 * MINUTE]) {
      const first = engineWith({}, declared);
      const before: Alert[] = run(first, events.filter((e) => e.timeMs < cut));
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const second = engineWith({}, declared);
      second.restore(saved);
      const after = run(second, events.filter((e) => e.timeMs >= cut));
      expect([...before, ...after]).toEqual(reference);
      // The snapshot of the restored engine is the snapshot it was restored from.
      const again = engineWith({}, declared);
      again.restore(saved);
      expect(JSON.parse(JSON.stringify(again.snapshot()))).toEqual(saved);
    }
  });

  it('rejects a snapshot of an unknown version with a clear error', () => {
    const engine = engineWith();
    expect(() => engine.restore({ v: 1, sweepAtMs: null, agents: [{ v: 99, agentId: 'x' } as never] })).toThrow(/unsupported agent snapshot \(version 99/);
  });
});
