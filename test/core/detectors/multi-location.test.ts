import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, run, traffic } from '../../helpers/traffic.js';
import { type EventSource } from '../../../src/core/events/audit-event.js';

const home: EventSource = { ip: '52.23.1.10', region: 'us-east-1', country: 'US' };
const second: EventSource = { ip: '34.210.5.5', region: 'us-west-2', country: 'US' };
const from = (source: EventSource, seed: number, start: number, end: number, rate = 4) => traffic('etl', start, end, () => rate, seed, { source });
const at = T0 + 9 * DAY + 10 * HOUR;

describe('multi_location', () => {
  it('fires when the credential is used from a new country while the usual region keeps acting', () => {
    const foreign: EventSource = { ip: '191.232.71.199', region: 'brazilsouth', country: 'BR' };
    const alerts = run(engineWith(), merge(from(home, 1, T0, T0 + 10 * DAY), from(foreign, 2, at, at + 8 * MINUTE, 2)));
    expect(alerts.map((a) => [a.detector, a.severity])).toEqual([['multi_location', 'high']]);
    expect(Date.parse(alerts[0]!.time)).toBeLessThan(at + 2 * MINUTE);
    expect(alerts[0]?.summary).toMatch(/brazilsouth, BR/);
  });

  it('reports an impossible journey to a new country at once', () => {
    const quiet = (t: number) => (t < at - 5 * MINUTE ? 4 : 0);
    const events = merge(traffic('etl', T0, T0 + 10 * DAY, quiet, 3, { source: home }), traffic('etl', at, at + 3 * MINUTE, () => 3, 4, { source: { ip: '102.89.128.169', country: 'NG' } }));
    const alerts = run(engineWith(), events);
    expect(alerts.map((a) => [a.detector, a.observed['how']])).toEqual([['multi_location', 'impossible_travel']]);
    expect(alerts[0]?.observed['speedKmh']).toBeGreaterThan(1000);
  });

  it('learns agents deployed in several regions, and a failover that moves all traffic', () => {
    const multi = merge(from(home, 5, T0, T0 + 12 * DAY), from(second, 6, T0, T0 + 12 * DAY));
    expect(run(engineWith(), multi)).toEqual([]);
    const failover = (t: number) => t >= at && t < at + 3 * HOUR;
    const events = merge(
      traffic('etl', T0, T0 + 12 * DAY, (t) => (failover(t) ? 0 : 4), 7, { source: home }),
      traffic('etl', at, at + 3 * HOUR, () => 4, 8, { source: { ip: '13.48.1.1', region: 'eu-north-1', country: 'SE' } }),
    );
    expect(run(engineWith(), events)).toEqual([]);
  });

  it('reports a workload credential used from a never-used network next to its usual one, at low severity; never travel for private addresses', () => {
    const pod: EventSource = { ip: '10.42.7.19' };
    const outside: EventSource = { ip: '203.0.113.77' };
    const events = merge(traffic('sa', T0, T0 + 10 * DAY, () => 4, 9, { source: pod }), traffic('sa', at, at + 10 * MINUTE, () => 2, 10, { source: outside }));
    const alerts = run(engineWith(), events);
    expect(alerts.map((a) => [a.detector, a.severity, a.observed['kind']])).toEqual([['multi_location', 'low', 'network']]);
    // Pods come and go inside the cluster's network: not new.
    const pods = merge(traffic('sa', T0, T0 + 10 * DAY, () => 4, 11, { source: pod }), traffic('sa', at, at + HOUR, () => 4, 12, { source: { ip: '10.42.200.3' } }));
    expect(run(engineWith(), pods)).toEqual([]);
  });

  it('is silent while learning', () => {
    const early = T0 + 2 * DAY;
    const events = merge(from(home, 13, T0, T0 + 4 * DAY), from({ ip: '178.176.200.126', country: 'RU' }, 14, early, early + 20 * MINUTE, 2));
    expect(run(engineWith(), events)).toEqual([]);
  });
});
