import { describe, expect, it } from 'vitest';
import { EventTimeGuard } from '../../../src/core/events/event-time-guard.js';
import { StreamWatermark } from '../../../src/core/events/stream-watermark.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const limits = { maxAheadMs: DAY, maxAgeMs: 30 * DAY, earliestMs: Date.parse('2000-01-01T00:00:00Z'), maxWallClockAgeMs: Number.POSITIVE_INFINITY };

describe('StreamWatermark', () => {
  it('ignores the one agent furthest ahead for the robust clock and lets it lead the clock by an hour at most', () => {
    const w = new StreamWatermark();
    w.observe('a', T0);
    expect(w.robustMs).toBe(T0);
    expect(w.clockMs).toBe(T0);
    w.observe('b', T0 + 60_000);
    w.observe('rogue', Date.parse('9999-12-31T23:59:59Z'));
    expect(w.robustMs).toBe(T0 + 60_000);
    expect(w.clockMs).toBe(T0 + 60_000 + HOUR);
    // The rest of the fleet keeps moving it.
    w.observe('a', T0 + 2 * DAY);
    expect(w.robustMs).toBe(T0 + 2 * DAY);
  });

  it('follows a lone agent: with one agent, that agent is the stream', () => {
    const w = new StreamWatermark();
    w.observe('only', T0);
    w.observe('only', T0 + 10 * DAY);
    expect(w.clockMs).toBe(T0 + 10 * DAY);
  });
});

describe('EventTimeGuard', () => {
  it('rejects year 9999 and epoch 0 with time_out_of_range, and neither moves the clock', () => {
    const g = new EventTimeGuard(limits);
    expect(g.check('a', T0)).toBeUndefined();
    const future = g.check('new-agent', Date.parse('9999-12-31T23:59:59Z'));
    expect(future?.reason).toBe('time_out_of_range');
    expect(future?.message).toMatch(/ahead of the stream/);
    const epoch = g.check('b', 0);
    expect(epoch?.reason).toBe('time_out_of_range');
    expect(epoch?.message).toMatch(/before 2000-01-01T00:00:00.000Z/);
    expect(g.clockMs).toBe(T0);
    expect(g.check('b', T0 + 1_000)).toBeUndefined();
  });

  it('rejects events far behind the stream', () => {
    const g = new EventTimeGuard(limits);
    g.check('a', T0);
    expect(g.check('b', T0 - 31 * DAY)?.message).toMatch(/behind the stream/);
    expect(g.check('b', T0 - 29 * DAY)).toBeUndefined();
  });

  it('takes a real gap once a second agent confirms the jump; one agent alone never moves the stream', () => {
    const g = new EventTimeGuard(limits);
    g.check('a', T0);
    g.check('b', T0 + 1_000);
    const after = T0 + 5 * DAY;
    expect(g.check('a', after)?.reason).toBe('time_out_of_range');
    expect(g.check('a', after + 1_000)?.reason).toBe('time_out_of_range');
    expect(g.check('b', after + 2_000)).toBeUndefined();
    expect(g.check('a', after + 3_000)).toBeUndefined();
    expect(g.clockMs).toBeGreaterThanOrEqual(after);
  });

  it('live: bounds by the wall clock too (ahead always, age when configured)', () => {
    const wall = T0 + 100 * DAY;
    const g = new EventTimeGuard({ ...limits, maxWallClockAgeMs: 7 * DAY });
    expect(g.check('a', wall + 2 * DAY, wall)?.message).toMatch(/ahead of this machine's clock/);
    expect(g.check('a', wall - 8 * DAY, wall)?.message).toMatch(/old by this machine's clock/);
    expect(g.check('a', wall - 6 * DAY, wall)).toBeUndefined();
    const unbounded = new EventTimeGuard(limits);
    expect(unbounded.check('a', T0, wall)).toBeUndefined();
  });

  it('rejects a time that is not a number at all', () => {
    expect(new EventTimeGuard(limits).check('a', Number.NaN)?.reason).toBe('time_out_of_range');
  });
});
