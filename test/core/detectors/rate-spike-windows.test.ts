import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, run, traffic } from '../../helpers/traffic.js';

// Issue 14, items 1, 2 and 4: scan windows and the CUSUM on top of the in-bucket rule.
const on = {};
const off = { rateSpike: { windows: { enabled: false } } };

describe('rate_spike scan windows and CUSUM', () => {
  it('catches a 20x burst of a quiet agent (0.3/min) in its 5- or 15-minute window, and names window, counts and chance', () => {
    const at = T0 + 10 * DAY + 14 * HOUR + 3 * MINUTE;
    const quiet = traffic('quiet', T0, T0 + 12 * DAY, () => 0.3, 21);
    expect(run(engineWith(on), quiet)).toEqual([]);
    const alerts = run(
      engineWith(on),
      merge(
        quiet,
        traffic('quiet', at, at + 15 * MINUTE, () => 5.7, 22),
      ),
    );
    expect(alerts.map((a) => [a.detector, a.agentId])).toEqual([['rate_spike', 'quiet']]);
    const [alert] = alerts;
    const t = Date.parse(alert!.time);
    expect(t).toBeGreaterThanOrEqual(at);
    expect(t).toBeLessThan(at + 8 * MINUTE);
    expect(alert!.observed['rule']).toBe('window');
    expect(['5 min', '15 min']).toContain(alert!.observed['window']);
    expect(alert!.observed['count']).toBeGreaterThanOrEqual(10);
    expect(alert!.expected['count']).toBeLessThan(8);
    expect(alert!.expected['tailProbability']).toBeLessThan(1e-7);
    expect(alert!.expected['localHour']).toBe('Thu 14:00–15:00 UTC');
    expect(alert!.summary).toMatch(
      /^quiet: \d+ calls in the last (5|15) min; about [\d.]+ expected for Thu 14:00–15:00 UTC; chance under this agent's history (< 1e-9|[\d.]+e-\d+)\.$/,
    );
  });

  it('catches a 3x rise lasting 90 minutes with the CUSUM, where no minute alone is extreme', () => {
    const at = T0 + 10 * DAY + 10 * HOUR;
    const steady = traffic('steady', T0, T0 + 12 * DAY, () => 4, 23);
    expect(run(engineWith(on), steady)).toEqual([]);
    const alerts = run(
      engineWith(on),
      merge(
        steady,
        traffic('steady', at, at + 90 * MINUTE, () => 8, 24),
      ),
    );
    expect(alerts.map((a) => a.detector)).toEqual(['rate_spike']);
    const t = Date.parse(alerts[0]!.time);
    expect(t).toBeGreaterThan(at);
    expect(t).toBeLessThan(at + 60 * MINUTE);
  });

  it('leaves a 2x rise to the windows: none with them off, a window or the CUSUM with them on', () => {
    const at = T0 + 10 * DAY + 10 * HOUR;
    const events = merge(
      traffic('steady', T0, T0 + 12 * DAY, () => 4, 23),
      traffic('steady', at, at + 90 * MINUTE, () => 4, 24),
    );
    expect(run(engineWith(off), events)).toEqual([]);
    const alerts = run(engineWith(on), events);
    expect(alerts.map((a) => [a.detector, a.agentId])).toEqual([['rate_spike', 'steady']]);
    expect(Date.parse(alerts[0]!.time)).toBeGreaterThan(at);
  });

  it("with neighbourNoise 1, judges a quiet agent's hour by its own rate, not a busier neighbouring hour's noise: a 10x burst for 10 minutes is raised", () => {
    // 0.25/min, 0.45/min in the hours before and after: the busiest neighbour (27 an hour) sets the
    // expectation of 14:00 at 0.45/min (the default); counted by what it exceeds one hour's Poisson noise, 0.36.
    const rate = (t: number) => ([13, 15].includes(Math.floor((t % DAY) / HOUR)) ? 0.45 : 0.25);
    const quiet = traffic('quiet', T0, T0 + 12 * DAY, rate, 31);
    const at = T0 + 10 * DAY + 14 * HOUR + 3 * MINUTE;
    const events = merge(
      quiet,
      traffic('quiet', at, at + 10 * MINUTE, () => 2.5, 32),
    );
    const lifted = { rateSpike: { windows: { neighbourNoise: 1 } } };
    expect(run(engineWith(lifted), quiet)).toEqual([]);
    expect(run(engineWith(on), events)).toEqual([]);
    const alerts = run(engineWith(lifted), events);
    expect(alerts.map((a) => [a.detector, a.agentId, a.observed['rule']])).toEqual([['rate_spike', 'quiet', 'window']]);
    expect(Date.parse(alerts[0]!.time)).toBeGreaterThan(at);
    expect(Date.parse(alerts[0]!.time)).toBeLessThanOrEqual(at + 10 * MINUTE);
    expect(alerts[0]!.expected['perMinute']).toBeCloseTo((27 - Math.sqrt(27)) / 60, 1);
  });
});
