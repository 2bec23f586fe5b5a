import { describe, expect, it } from 'vitest';
import { HourProfile } from '../../../src/core/baselines/hour-profile.js';
import { expectedPerBucket } from '../../../src/core/baselines/rate-window-thresholds.js';
import { RateWindows } from '../../../src/core/baselines/rate-windows.js';
import { defaultEngineSettings } from '../../../src/core/engine-context.js';

const MINUTE = 60_000;
/** A new agent's level against its learned week (RateWindows.levelRatio before any hour closed). */
const LEVEL = 1;
const settings = (neighbourNoise: number) => defaultEngineSettings({ rateSpike: { windows: { neighbourNoise } } }).rateSpike.windows;

/** A week where every hour learned `base` events and Thursday's (slot 72+) 13:00 and 15:00 learned `around`. */
function profile(base: number, around: number): HourProfile {
  const p = new HourProfile();
  for (let slot = 0; slot < 168; slot++) p.learnHour(slot, slot === 3 * 24 + 13 || slot === 3 * 24 + 15 ? around : base, 1, 1, 0.9);
  return p;
}

// Issue 14, item 1: a neighbouring hour lifts the expectation only by what it exceeds its own noise.
describe('RateWindows expectation from neighbouring hours', () => {
  const slot = 3 * 24 + 14;

  it("a quiet agent's neighbour 1.5x its hour lifts it only by what exceeds one hour's Poisson noise", () => {
    const quiet = profile(18, 27);
    expect(expectedPerBucket(quiet, slot, MINUTE, settings(1), LEVEL) * 60).toBeCloseTo(27 - Math.sqrt(27), 4);
    expect(expectedPerBucket(quiet, slot, MINUTE, settings(0), LEVEL) * 60).toBeCloseTo(27, 4);
  });

  it("a quiet agent's neighbours within their noise leave its own hour's expectation", () => {
    expect(expectedPerBucket(profile(18, 22), slot, MINUTE, settings(1), LEVEL) * 60).toBeCloseTo(18, 4);
  });

  it("a busy agent's neighbour lifts it almost fully, as before", () => {
    const busy = profile(600, 900);
    expect(expectedPerBucket(busy, slot, MINUTE, settings(1), LEVEL) * 60).toBeCloseTo(870, 3);
  });

  it('the same hour on the days around still sets a missed slot (DST), less its noise', () => {
    const p = new HourProfile();
    for (let s = 0; s < 168; s++) p.learnHour(s, s % 24 === 2 ? 100 : 0, 1, 1, 0.9);
    p.learnHour(3 * 24 + 2, 0, 0, 1, 0.9); // Thursday 02:00 skipped
    expect(expectedPerBucket(p, 3 * 24 + 2, MINUTE, settings(1), LEVEL) * 60).toBeCloseTo(90, 4);
  });

  it('the CUSUM keeps the busiest neighbour in full: summed over hours, a lowered expectation would trip it', () => {
    const th = new RateWindows().thresholdsFor(profile(18, 27), slot, MINUTE, settings(1), true);
    expect(th.perBucket * 60).toBeCloseTo(27 - Math.sqrt(27), 4);
    expect(th.cusumPerBucket * 60).toBeCloseTo(27, 4);
  });
});

// Issue 14, item 6: the windows live in one buffer; what fires and what a snapshot holds are unchanged.
describe('RateWindows packed state', () => {
  const s = settings(1);
  const slot = 3 * 24 + 14;

  /** An hour opened on a learned profile (thresholds finite), then `counts` closed one bucket each. */
  function windowsAfter(counts: number[]): RateWindows {
    const w = new RateWindows();
    const p = profile(60, 60);
    w.openHour(p, slot, MINUTE, s, true, true);
    counts.forEach((c, i) => {
      w.closeBucket(c, false, Math.floor(i / 15), 14, s);
      w.openBucket();
    });
    return w;
  }

  it('fires the short window when closed buckets plus the live one reach its threshold, and only while the live bucket is raised', () => {
    const w = windowsAfter([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 40, 40, 40, 40]);
    const th = w.th;
    expect(w.closedSum(th.shortBuckets)).toBe(160);
    const needed = Math.max(th.liveMin, th.short - 160);
    expect(w.firing(needed - 1)).not.toBe('short');
    expect(w.firing(needed)).toBe('short');
    expect(w.firing(th.liveMin - 1)).toBeUndefined();
  });

  it('names the closed buckets newest first', () => {
    const w = windowsAfter([3, 5, 7]);
    expect([1, 2, 3, 4].map((k) => w.closedBucket(k))).toEqual([7, 5, 3, 0]);
  });

  it('writes back what it restored, to the last bit', () => {
    const w = windowsAfter(Array.from({ length: 200 }, (_, i) => (i % 7) * 3));
    w.learnLevel(70, 60);
    const saved = JSON.parse(JSON.stringify(w.snapshot()));
    expect(saved.data.some((x: number) => x > 0 && !Number.isInteger(x))).toBe(true);
    expect(JSON.parse(JSON.stringify(RateWindows.restore(saved, MINUTE).snapshot()))).toEqual(saved);
  });
});
