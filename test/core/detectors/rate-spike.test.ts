import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, run, traffic } from '../../helpers/traffic.js';

const hourOf = (t: number) => new Date(t).getUTCHours();

describe('rate_spike', () => {
  it('fires inside the bucket on a 10x spike after learning, once per incident', () => {
    const spikeAt = T0 + 9 * DAY + 14 * HOUR + 7 * MINUTE;
    const events = merge(
      traffic('agent-a', T0, T0 + 10 * DAY, () => 10, 1),
      traffic('agent-a', spikeAt, spikeAt + 5 * MINUTE, () => 100, 2),
    );
    const alerts = run(engineWith(), events);
    const spikes = alerts.filter((a) => a.detector === 'rate_spike');
    expect(spikes).toHaveLength(1);
    const [alert] = spikes;
    expect(alert?.agentId).toBe('agent-a');
    const t = Date.parse(alert!.time);
    // Inside the first spike minute, not at its close.
    expect(t).toBeGreaterThanOrEqual(spikeAt);
    expect(t).toBeLessThan(spikeAt + MINUTE);
    expect(alert?.observed['eventsPerMinute']).toBeGreaterThanOrEqual(alert!.expected['thresholdPerMinute'] as number);
    expect(alert?.evidence.length).toBeGreaterThan(0);
    expect(alert?.baseline.learning).toBe(false);
    expect(alerts.filter((a) => a.detector !== 'rate_spike')).toEqual([]);
  });

  it('is silent while the agent is learning', () => {
    const spikeAt = T0 + 2 * DAY + 14 * HOUR;
    const events = merge(
      traffic('agent-a', T0, T0 + 4 * DAY, () => 10, 1),
      traffic('agent-a', spikeAt, spikeAt + 5 * MINUTE, () => 200, 2),
    );
    expect(run(engineWith(), events)).toEqual([]);
  });

  it('learns a nightly batch burst as normal, yet still catches a daytime spike of smaller size', () => {
    const rate = (t: number) => (hourOf(t) === 2 && new Date(t).getUTCMinutes() < 30 ? 300 : 8);
    const spikeAt = T0 + 12 * DAY + 15 * HOUR;
    const normal = run(engineWith(), traffic('batch', T0, T0 + 14 * DAY, rate, 3));
    expect(normal).toEqual([]);
    const withSpike = run(
      engineWith(),
      merge(
        traffic('batch', T0, T0 + 14 * DAY, rate, 3),
        traffic('batch', spikeAt, spikeAt + 10 * MINUTE, () => 120, 4),
      ),
    );
    expect(withSpike.map((a) => [a.detector, hourOf(Date.parse(a.time))])).toEqual([['rate_spike', 15]]);
  });

  it('stays quiet over business hours, weekends and Monday mornings', () => {
    const rate = (t: number) => {
      const d = new Date(t);
      const weekday = (d.getUTCDay() + 6) % 7;
      return weekday < 5 && d.getUTCHours() >= 9 && d.getUTCHours() < 17 ? 25 : 0.02;
    };
    expect(run(engineWith(), traffic('office', T0, T0 + 21 * DAY, rate, 5))).toEqual([]);
  });

  it('stays quiet on steady growth of 4 % a day', () => {
    const rate = (t: number) => 10 * Math.pow(1.04, (t - T0) / DAY);
    expect(run(engineWith(), traffic('growing', T0, T0 + 28 * DAY, rate, 6))).toEqual([]);
  });

  it('does not let a spike raise the bar for the next one', () => {
    const first = T0 + 9 * DAY + 11 * HOUR;
    const second = T0 + 10 * DAY + 11 * HOUR;
    const events = merge(
      traffic('agent-b', T0, T0 + 11 * DAY, () => 10, 7),
      traffic('agent-b', first, first + 20 * MINUTE, () => 150, 8),
      traffic('agent-b', second, second + 5 * MINUTE, () => 150, 9),
    );
    const spikes = run(engineWith(), events).filter((a) => a.detector === 'rate_spike');
    expect(spikes.map((a) => Math.floor((Date.parse(a.time) - T0) / DAY))).toEqual([9, 10]);
  });

  it('folds a long spike into one alert and counts the updates', () => {
    const at = T0 + 9 * DAY + 11 * HOUR;
    const engine = engineWith();
    const alerts = run(
      engine,
      merge(
        traffic('agent-c', T0, T0 + 10 * DAY, () => 10, 10),
        traffic('agent-c', at, at + 20 * MINUTE, () => 150, 11),
      ),
    );
    expect(alerts.filter((a) => a.detector === 'rate_spike')).toHaveLength(1);
    expect(engine.stats.incidentUpdates).toBeGreaterThanOrEqual(10);
  });
});
