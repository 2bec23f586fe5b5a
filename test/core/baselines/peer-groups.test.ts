import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const office = (t: number) => {
  const d = new Date(t);
  return (d.getUTCDay() + 6) % 7 < 5 && d.getUTCHours() >= 9 && d.getUTCHours() < 17 ? 8 : 0;
};
const member = (id: string, from: number, to: number, seed: number) => traffic(id, from, to, office, seed, { agentClass: 'summarizer' });
const fleet = () => merge(member('s-1', T0, T0 + 16 * DAY, 1), member('s-2', T0, T0 + 16 * DAY, 2), member('s-3', T0, T0 + 16 * DAY, 3));
const joins = T0 + 14 * DAY; // Monday of the third week

describe('peer groups', () => {
  it('judges a new member against its class while it learns, and says so', () => {
    const night = joins + DAY + 3 * HOUR;
    const spike = joins + 10 * HOUR + 30 * MINUTE;
    const newcomer = merge(
      member('s-new', joins, joins + 2 * DAY, 4),
      traffic('s-new', spike, spike + 5 * MINUTE, () => 120, 5, { agentClass: 'summarizer' }),
      Array.from({ length: 30 }, (_, i) => event('s-new', night + i * 30_000, { agentClass: 'summarizer' })),
    );
    const alerts = run(engineWith(), merge(fleet(), newcomer));
    expect(alerts.map((a) => [a.agentId, a.detector, a.baseline.basis, a.baseline.learning])).toEqual([
      ['s-new', 'rate_spike', 'class', true],
      ['s-new', 'off_hours', 'class', true],
    ]);
    expect(alerts[0]?.summary).toMatch(/peer group summarizer/);
  });

  it('keeps quiet about a new member that behaves like its peers', () => {
    expect(run(engineWith(), merge(fleet(), member('s-new', joins, joins + 2 * DAY, 6)))).toEqual([]);
  });

  it('leaves a new agent without a class silent while it learns', () => {
    const spike = joins + 10 * HOUR;
    const loner = merge(
      traffic('loner', joins, joins + DAY, office, 7),
      traffic('loner', spike, spike + 5 * MINUTE, () => 120, 8),
    );
    expect(run(engineWith(), merge(fleet(), loner)).filter((a) => a.agentId === 'loner')).toEqual([]);
  });
});
