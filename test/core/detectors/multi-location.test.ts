import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';
import type { EventSource } from '../../../src/core/events/audit-event.js';

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
    const events = merge(
      traffic('etl', T0, T0 + 10 * DAY, quiet, 3, { source: home }),
      traffic('etl', at, at + 3 * MINUTE, () => 3, 4, { source: { ip: '102.89.128.169', country: 'NG' } }),
    );
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
    const events = merge(
      traffic('sa', T0, T0 + 10 * DAY, () => 4, 9, { source: pod }),
      traffic('sa', at, at + 10 * MINUTE, () => 2, 10, { source: outside }),
    );
    const alerts = run(engineWith(), events);
    expect(alerts.map((a) => [a.detector, a.severity, a.observed['kind']])).toEqual([['multi_location', 'low', 'network']]);
    // Pods come and go inside the cluster's network: not new.
    const pods = merge(
      traffic('sa', T0, T0 + 10 * DAY, () => 4, 11, { source: pod }),
      traffic('sa', at, at + HOUR, () => 4, 12, { source: { ip: '10.42.200.3' } }),
    );
    // (The doubled rate for that hour is rate_spike's to judge: issue 14.)
    expect(run(engineWith(), pods).filter((a) => a.detector === 'multi_location')).toEqual([]);
  });

  it('is silent while learning', () => {
    const early = T0 + 2 * DAY;
    const events = merge(from(home, 13, T0, T0 + 4 * DAY), from({ ip: '178.176.200.126', country: 'RU' }, 14, early, early + 20 * MINUTE, 2));
    expect(run(engineWith(), events)).toEqual([]);
  });
});

describe('multi_location: machine-bound sessions', () => {
  const role = 'arn:aws:iam::1:role/web-instance-role';
  const call = (t: number, ip: string, session: string, sessionBound = true) => event(role, t, { source: { ip, session, sessionBound } });

  it('reports an instance session used from a second network at once, even on its first minute, and only once', () => {
    const events = [
      call(T0, '3.225.16.109', 'i-0aaa1111bbbb2222c'),
      call(T0 + 2_000, '3.225.16.109', 'i-0aaa1111bbbb2222c'),
      call(T0 + 6_000, '192.168.10.20', 'i-0aaa1111bbbb2222c'),
      call(T0 + 7_000, '192.168.10.20', 'i-0aaa1111bbbb2222c'),
      // Another instance of the same role, elsewhere: its own home, nothing wrong.
      call(T0 + 8_000, '54.1.2.3', 'i-0ddd3333eeee4444f'),
      // A session not bound to a machine may move (a person's assumed role on a laptop).
      call(T0 + 9_000, '81.2.3.4', 'alice-sso', false),
      call(T0 + 10_000, '82.9.9.9', 'alice-sso', false),
    ];
    const alerts = run(engineWith(), events);
    expect(alerts.map((a) => [a.detector, a.agentId, a.time, a.severity, a.observed['how'], a.observed['session']])).toEqual([
      ['multi_location', role, new Date(T0 + 6_000).toISOString(), 'high', 'session_moved', 'i-0aaa1111bbbb2222c'],
    ]);
  });

  it('remembers session homes across a snapshot', () => {
    const a = engineWith();
    run(a, [call(T0, '3.225.16.109', 'i-0aaa1111bbbb2222c')]);
    const b = engineWith();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(run(b, [call(T0 + 60_000, '198.51.100.7', 'i-0aaa1111bbbb2222c')]).map((x) => x.observed['how'])).toEqual(['session_moved']);
  });
});
