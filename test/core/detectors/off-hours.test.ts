import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, event, localHour, localWeekday, merge, run, traffic } from '../../helpers/traffic.js';

const TZ = 'America/New_York';
/** 9-to-5 on weekdays in New York, which moves to daylight saving time on 2026-03-08. */
const officeRate = (t: number) => {
  const h = localHour(t, TZ);
  const wd = localWeekday(t, TZ);
  return wd !== 'Sat' && wd !== 'Sun' && h >= 9 && h < 17 ? 6 : 0;
};
const declared = { agents: [{ match: { agentId: 'office-*' }, timezone: TZ }] };

/** First UTC instant of a local hour on the day `dayOffset` days after T0. */
function localTime(dayOffset: number, hour: number, minute = 0): number {
  for (let t = T0 + dayOffset * DAY; t < T0 + (dayOffset + 2) * DAY; t += MINUTE) {
    if (localHour(t, TZ) === hour && new Date(t).getUTCMinutes() === minute) return t;
  }
  throw new RangeError('no such local time');
}

describe('off_hours', () => {
  it('is quiet for a 9-to-5 agent across a DST change, stray events included', () => {
    const strays = [3, 10, 17].map((d) => event('office-1', localTime(d, 3, 12)));
    const alerts = run(engineWith({}, declared), merge(traffic('office-1', T0, T0 + 21 * DAY, officeRate, 1), strays));
    expect(alerts).toEqual([]);
  });

  it('fires on a burst at 03:00 local after learning, once, with the local hour explained', () => {
    const at = localTime(15, 3, 5);
    const burst = Array.from({ length: 40 }, (_, i) => event('office-1', at + i * 20_000));
    const alerts = run(engineWith({}, declared), merge(traffic('office-1', T0, T0 + 21 * DAY, officeRate, 1), burst));
    expect(alerts.map((a) => a.detector)).toEqual(['off_hours']);
    const [a] = alerts;
    expect(a?.agentId).toBe('office-1');
    expect(Date.parse(a!.time)).toBeGreaterThanOrEqual(at);
    expect(Date.parse(a!.time)).toBeLessThan(at + 10 * MINUTE);
    expect(a?.observed['localHour']).toBe('03:00');
    expect(a?.observed['timezone']).toBe(TZ);
    expect(a?.evidence.length).toBeGreaterThanOrEqual(10);
  });

  it('ignores a few stray events in an idle hour', () => {
    const at = localTime(15, 3, 5);
    const few = Array.from({ length: 5 }, (_, i) => event('office-1', at + i * 60_000));
    expect(run(engineWith({}, declared), merge(traffic('office-1', T0, T0 + 21 * DAY, officeRate, 1), few))).toEqual([]);
  });

  it('is silent while learning, unless active hours are declared', () => {
    const at = localTime(3, 3, 5);
    const burst = Array.from({ length: 30 }, (_, i) => event('office-2', at + i * 20_000));
    const events = merge(traffic('office-2', T0, T0 + 5 * DAY, officeRate, 2), burst);
    expect(run(engineWith({}, declared), events)).toEqual([]);
    const withHours = { agents: [{ match: { agentId: 'office-*' }, timezone: TZ, activeHours: ['Mon-Fri 08:00-18:00'] }] };
    const alerts = run(engineWith({}, withHours), events);
    expect(alerts.map((a) => [a.detector, a.baseline.basis])).toEqual([['off_hours', 'declared']]);
  });

  it('treats a daily 02:00 job as normal', () => {
    const rate = (t: number) => (localHour(t, TZ) === 2 ? 20 : officeRate(t));
    expect(run(engineWith({}, declared), traffic('office-job', T0, T0 + 21 * DAY, rate, 3))).toEqual([]);
  });

  it('does not mistake the DST hour shift of an agent with no declared timezone for off-hours work', () => {
    // Learned in UTC: New York's 09:00 moves from 14:00 to 13:00 UTC on 2026-03-08.
    expect(run(engineWith(), traffic('undeclared', T0, T0 + 21 * DAY, officeRate, 4))).toEqual([]);
    const at = T0 + 16 * DAY + 7 * HOUR + 5 * MINUTE; // 03:05 New York (EDT)
    const burst = Array.from({ length: 30 }, (_, i) => event('undeclared', at + i * 20_000));
    const alerts = run(engineWith(), merge(traffic('undeclared', T0, T0 + 21 * DAY, officeRate, 4), burst));
    expect(alerts.map((a) => [a.detector, a.observed['localHour'], a.observed['timezone']])).toEqual([['off_hours', '07:00', 'UTC']]);
  });
});
