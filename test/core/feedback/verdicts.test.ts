import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import type { Verdict } from '../../../src/core/feedback/verdict.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, runAll, traffic } from '../../helpers/traffic.js';

/** The same export job bursting at 14:00 on days 9 and 10. */
const day9 = T0 + 9 * DAY + 14 * HOUR;
const day10 = T0 + 10 * DAY + 14 * HOUR;
const spikes = merge(
  traffic('exporter', T0, T0 + 11 * DAY, () => 10, 1),
  traffic('exporter', day9, day9 + 5 * MINUTE, () => 120, 2),
  traffic('exporter', day10, day10 + 5 * MINUTE, () => 115, 3),
);

function replayWith(events: Parameters<typeof run>[1], verdicts: (first: Alert) => Verdict[], settings: unknown = {}, declared = {}): Alert[] {
  const first = run(engineWith(settings, declared), events)[0]!;
  const engine = engineWith(settings, declared);
  for (const v of verdicts(first)) engine.addVerdict(v, 0);
  return runAll(engine, events);
}

const opening = (messages: Alert[]) => messages.filter((a) => a.status === 'open');
const dayOf = (a: Alert) => Math.floor((Date.parse(a.time) - T0) / DAY);

describe('analyst feedback', () => {
  it('without feedback the daily burst alerts both days', () => {
    const alerts = run(engineWith(), spikes);
    expect(alerts.map((a) => [a.detector, a.agentId, dayOf(a)])).toEqual([
      ['rate_spike', 'exporter', 9],
      ['rate_spike', 'exporter', 10],
    ]);
  });

  it('normal: the rate becomes expected, the repeat is suppressed and the incident resolves at once', () => {
    const messages = replayWith(spikes, (first) => [{ alertId: first.id, verdict: 'normal' }]);
    expect(opening(messages).map((a) => [a.detector, dayOf(a)])).toEqual([['rate_spike', 9]]);
    const resolution = messages.find((a) => a.status === 'resolved');
    expect(resolution?.episode?.resolution).toBe('normal');
    expect(resolution?.id).toBe(opening(messages)[0]?.id);
  });

  it('normal does not hide a much larger burst', () => {
    const bigger = merge(
      spikes.filter((e) => e.timeMs < day10 || e.timeMs >= day10 + 5 * MINUTE),
      traffic('exporter', day10, day10 + 5 * MINUTE, () => 400, 4),
    );
    const messages = replayWith(bigger, (first) => [{ alertId: first.id, verdict: 'normal' }]);
    expect(opening(messages).map((a) => [a.detector, dayOf(a)])).toEqual([
      ['rate_spike', 9],
      ['rate_spike', 10],
    ]);
  });

  it('confirmed: the repeat is still flagged', () => {
    const messages = replayWith(spikes, (first) => [{ alertId: first.id, verdict: 'confirmed' }]);
    expect(opening(messages).map((a) => [a.detector, dayOf(a)])).toEqual([
      ['rate_spike', 9],
      ['rate_spike', 10],
    ]);
    expect(messages.find((a) => a.episode?.resolution === 'normal')).toBeUndefined();
  });

  describe('on a sensitive resource', () => {
    const declared = { sensitive: [{ pattern: 'arn:aws:secretsmanager:*', label: 'secrets' }] };
    const secret = 'arn:aws:secretsmanager:eu-west-1:1:secret:db';
    const read = (t: number) => [event('reporter', t, { category: 'resource_access', resource: secret, action: 'secretsmanager:GetSecretValue' })];
    const events = merge(
      traffic('reporter', T0, T0 + 12 * DAY, () => 5, 1),
      read(T0 + 9 * DAY + 10 * HOUR),
      read(T0 + 11 * DAY + 10 * HOUR),
    );

    it('confirmed unlearns the first read: the next read is flagged again', () => {
      const without = run(engineWith({}, declared), events);
      expect(without.map((a) => [a.detector, dayOf(a)])).toEqual([['new_sensitive_resource', 9]]);
      const confirmed = replayWith(events, (first) => [{ alertId: first.id, verdict: 'confirmed' }], {}, declared);
      expect(opening(confirmed).map((a) => [a.detector, a.agentId, dayOf(a)])).toEqual([
        ['new_sensitive_resource', 'reporter', 9],
        ['new_sensitive_resource', 'reporter', 11],
      ]);
      const normal = replayWith(events, (first) => [{ alertId: first.id, verdict: 'normal' }], {}, declared);
      expect(opening(normal).map((a) => [a.detector, dayOf(a)])).toEqual([['new_sensitive_resource', 9]]);
    });
  });

  it('a verdict given live, after the alert, applies at once and survives a snapshot', () => {
    const engine = engineWith();
    // Given while the burst is still going on.
    const before = spikes.filter((e) => e.timeMs < day9 + 3 * MINUTE);
    const first = run(engine, before)[0]!;
    const out = engine.addVerdict({ alertId: first.id, verdict: 'normal' }, day9 + 3 * MINUTE);
    expect(out.map((a) => [a.id, a.status, a.episode?.resolution])).toEqual([[first.id, 'resolved', 'normal']]);
    const restored = engineWith();
    restored.restore(JSON.parse(JSON.stringify(engine.snapshot())));
    expect(
      run(
        restored,
        spikes.filter((e) => e.timeMs >= day9 + 3 * MINUTE),
      ),
    ).toEqual([]);
    expect(restored.stats.suppressed).toBeGreaterThanOrEqual(1);
  });
});
