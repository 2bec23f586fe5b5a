import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, runAll, traffic } from '../../helpers/traffic.js';

const at = (a: Alert) => Date.parse(a.time);

describe('incident episodes', () => {
  // A 10x spike lasting 35 minutes on day 9, then normal traffic again.
  const spikeAt = T0 + 9 * DAY + 14 * HOUR;
  const events = merge(
    traffic('agent-a', T0, T0 + 10 * DAY, () => 10, 1),
    traffic('agent-a', spikeAt, spikeAt + 35 * MINUTE, () => 120, 2),
  );

  it('opens, updates while it goes on, and resolves after the quiet period, all with one id', () => {
    const messages = runAll(engineWith(), events).filter((a) => a.detector === 'rate_spike');
    const [open, ...rest] = messages;
    expect(open?.status).toBe('open');
    expect(open?.episode?.revision).toBe(0);
    expect(at(open!)).toBeGreaterThanOrEqual(spikeAt);
    expect(at(open!)).toBeLessThan(spikeAt + MINUTE);
    const updates = rest.filter((a) => a.status === 'update');
    const resolved = rest.filter((a) => a.status === 'resolved');
    // Updates at most every 10 min of event time during 35 min: 3.
    expect(updates).toHaveLength(3);
    expect(resolved).toHaveLength(1);
    expect(new Set(messages.map((a) => a.id))).toEqual(new Set([open!.id]));
    expect(messages.map((a) => a.episode?.revision)).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < updates.length; i++) expect(at(updates[i]!) - at(updates[i - 1]!)).toBeGreaterThanOrEqual(10 * MINUTE);
    // Count and last seen grow; the peak is kept.
    expect(updates.map((u) => u.episode?.count)).toEqual([...updates.map((u) => u.episode?.count)].sort((a, b) => a! - b!));
    const last = resolved[0]!;
    expect(last.episode?.count).toBeGreaterThanOrEqual(30);
    expect(Date.parse(last.episode!.lastTime)).toBeLessThan(spikeAt + 35 * MINUTE);
    expect(Date.parse(last.episode!.lastTime)).toBeGreaterThanOrEqual(spikeAt + 34 * MINUTE);
    // Resolved once the cooldown (30 min) has passed without a trigger.
    expect(last.episode?.resolvedTime).toBe(new Date(Date.parse(last.episode!.lastTime) + 30 * MINUTE).toISOString());
    expect(last.episode?.resolution).toBe('quiet');
    expect(last.episode?.peakScore).toBeGreaterThanOrEqual(open!.score);
    expect(last.episode?.firstTime).toBe(open!.time);
    // Nothing else was raised.
    expect(runAll(engineWith(), events).filter((a) => a.detector !== 'rate_spike')).toEqual([]);
  });

  it("resolves a quiet agent by the other agents' event time", () => {
    const quietAfter = spikeAt + 5 * MINUTE;
    const stream = merge(
      traffic('agent-a', T0, quietAfter, () => 10, 1),
      traffic('agent-a', spikeAt, quietAfter, () => 120, 2),
      traffic('agent-b', T0, T0 + 10 * DAY, () => 5, 3),
    );
    const messages = runAll(engineWith(), stream).filter((a) => a.agentId === 'agent-a');
    expect(messages.map((a) => a.status)).toEqual(['open', 'resolved']);
    const resolvedAt = Date.parse(messages[1]!.episode!.resolvedTime!);
    expect(resolvedAt - Date.parse(messages[1]!.episode!.lastTime)).toBe(30 * MINUTE);
    // Emitted within a minute of stream time after that.
    expect(Date.parse(messages[1]!.detectedAt) - resolvedAt).toBeLessThanOrEqual(2 * MINUTE);
  });

  it('can be limited to opening alerts', () => {
    const messages = runAll(engineWith({ episodes: { updates: false, resolve: false } }), events).filter((a) => a.detector === 'rate_spike');
    expect(messages.map((a) => a.status)).toEqual(['open']);
  });

  it('survives a snapshot mid-incident: the restored engine resolves it with the same id', () => {
    const cut = spikeAt + 20 * MINUTE;
    const a = engineWith();
    const before = runAll(
      a,
      events.filter((e) => e.timeMs < cut),
    );
    const b = engineWith();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const after = runAll(
      b,
      events.filter((e) => e.timeMs >= cut),
    );
    const reference = runAll(engineWith(), events);
    expect([...before, ...after].map((m) => [m.id, m.status, m.episode?.revision, m.time])).toEqual(
      reference.map((m) => [m.id, m.status, m.episode?.revision, m.time]),
    );
  });
});
