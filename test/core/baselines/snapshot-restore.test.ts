import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
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
  const home = { ip: '52.23.1.10', region: 'us-east-1', country: 'US' };
  const probe = T0 + 12 * DAY + 9 * HOUR;
  const foreign = T0 + 13 * DAY + 4 * HOUR;
  return merge(
    traffic('steady', T0, T0 + 14 * DAY, () => 6, 1, { source: home }),
    Array.from({ length: 30 }, (_, i) => event('steady', probe + i * 5_000, { action: `iam.list${i % 4}`, outcome: 'denied', source: home })),
    [
      event('steady', T0 + 2 * HOUR, { category: 'permission_request', permission: 'queue.send' }),
      event('steady', T0 + 12 * DAY + 20 * HOUR, { category: 'permission_request', permission: 'kms.decrypt' }),
    ],
    traffic('steady', foreign, foreign + 6 * MINUTE, () => 2, 9, { source: { ip: '191.232.71.199', region: 'brazilsouth', country: 'BR' } }),
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
    expect(reference.map((a) => a.detector).sort()).toEqual([
      'error_rate',
      'multi_location',
      'new_permission',
      'new_sensitive_resource',
      'off_hours',
      'rate_spike',
    ]);

    // Stop in the middle of a spike minute (mid-bucket, mid-incident), in the middle of the night,
    // mid-probe and while a foreign place is pending.
    const cuts = [
      T0 + 10 * DAY + 13 * HOUR + 31 * MINUTE + 17_000,
      T0 + 11 * DAY + 3 * HOUR + 4 * MINUTE,
      T0 + 12 * DAY + 9 * HOUR + 61_000,
      T0 + 13 * DAY + 4 * HOUR + 30_000,
    ];
    for (const cut of cuts) {
      const first = engineWith({}, declared);
      const before: Alert[] = run(
        first,
        events.filter((e) => e.timeMs < cut),
      );
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const second = engineWith({}, declared);
      second.restore(saved);
      const after = run(
        second,
        events.filter((e) => e.timeMs >= cut),
      );
      expect([...before, ...after]).toEqual(reference);
      // The snapshot of the restored engine is the snapshot it was restored from.
      const again = engineWith({}, declared);
      again.restore(saved);
      expect(JSON.parse(JSON.stringify(again.snapshot()))).toEqual(saved);
    }
  });

  it('restores a grace period exactly: a snapshot mid-grace holds back and counts what the uninterrupted engine does', () => {
    const deploy = T0 + 10 * DAY + 13 * HOUR;
    const doc = {
      ...declared,
      privileged: [{ pattern: 'iam:*' }],
      agents: [...declared.agents, { match: { agentId: 'office' }, maintenance: [{ weekly: 'Wed 10:00-12:00' }] }],
    };
    const events = merge(
      fleet(),
      [event('steady', deploy, { action: 'ecs:UpdateService' })],
      traffic('steady', deploy + 20 * MINUTE, deploy + 30 * MINUTE, () => 80, 5),
      [
        event('steady', deploy + 40 * MINUTE, { category: 'permission_request', permission: 'sqs.purge' }),
        event('steady', deploy + 50 * MINUTE, { category: 'permission_request', permission: 'iam:PassRole' }),
      ],
      // Wednesday 11 March, 10:00-12:00 London: a burst the office agent's maintenance covers.
      traffic('office', T0 + 9 * DAY + 10 * HOUR + 15 * MINUTE, T0 + 9 * DAY + 10 * HOUR + 25 * MINUTE, () => 60, 6),
    );
    const reference = engineWith({}, doc);
    const alerts = run(reference, events);
    expect(reference.stats.graceHeld).toBe(3);
    expect(alerts.some((a) => a.detector === 'new_permission' && a.observed['permission'] === 'iam:PassRole')).toBe(true);
    const held = (e: ReturnType<typeof engineWith>) => ['steady', 'office'].map((id) => e.snapshotAgent(id)?.grace?.held);
    expect(held(reference).map((h) => h?.length)).toEqual([2, 1]);
    // Mid-grace: inside the held spike's bucket, between the two permissions, inside the maintenance burst.
    for (const cut of [deploy + 24 * MINUTE + 7_000, deploy + 45 * MINUTE, T0 + 9 * DAY + 10 * HOUR + 20 * MINUTE + 30_000]) {
      const first = engineWith({}, doc);
      const before = run(
        first,
        events.filter((e) => e.timeMs < cut),
      );
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const second = engineWith({}, doc);
      second.restore(saved);
      expect(JSON.parse(JSON.stringify(second.snapshot()))).toEqual(saved);
      const after = run(
        second,
        events.filter((e) => e.timeMs >= cut),
      );
      expect([...before, ...after]).toEqual(alerts);
      expect(held(second).map((h) => h?.map(([d, n]) => [d, n]))).toEqual([
        [
          ['rate_spike', 1],
          ['new_permission', 1],
        ],
        [['rate_spike', 1]],
      ]);
      expect(second.stats.graceHeld + first.stats.graceHeld).toBe(3);
      expect(second.snapshot()).toEqual(reference.snapshot());
    }
  });

  it('rejects a snapshot of an unknown version with a clear error', () => {
    const engine = engineWith();
    expect(() => engine.restore({ v: 1, sweepAtMs: null, agents: [{ v: 99, agentId: 'x' } as never] })).toThrow(/unsupported agent snapshot \(version 99/);
  });
});
