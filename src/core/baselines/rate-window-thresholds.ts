import type { EngineSettings } from '../engine-settings.js';
import { countUpperQuantile } from '../stats/negative-binomial.js';
import type { HourProfile } from './hour-profile.js';
import { HOURS, LE, LEVEL_ACTUAL, LEVEL_EXPECTED, RING, hourSum, hourWindows } from './rate-windows-layout.js';

/**
 * What the scan windows of `RateWindows` (rate-windows.ts) judge against in one local hour, and
 * how it is computed when the hour opens (issue 14, items 1–2): from the agent's hour-of-week
 * profile, and the level and per-hour dispersion its windows learned (read from their buffer;
 * the level's hourly update, learnLevel, beside its reader).
 * Exports: RateWindowSettings, WindowThresholds, windowBuckets, expectedPerBucket, learnLevel,
 * levelRatio, dispersionAround, windowThresholds.
 */

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** An hour of day with fewer 15-minute windows than this does not vote on the agent's typical dispersion. */
const MIN_HOUR_WINDOWS = 8;
/** The level ratio follows the last day (hourly EWMA, half-life 24 h). */
const LEVEL_ALPHA = 1 - Math.pow(0.5, 1 / 24);

export type RateWindowSettings = EngineSettings['rateSpike']['windows'];

/** What the scan windows judge against in one local hour. */
export interface WindowThresholds {
  /** Expected events per bucket. */
  perBucket: number;
  /**
   * What the CUSUM expects per bucket: the busiest neighbour in full (neighbourNoise 0). Evidence
   * summed over hours turns a small bias of the expectation into a trip (a quiet agent 10 % above
   * the lowered one crawled to the threshold over 6 hours on tuning seed 1); a window is judged
   * over minutes, where the count's noise dwarfs it.
   */
  cusumPerBucket: number;
  /** Dispersion φ = variance / mean of the agent's 15-minute counts around this hour of day. */
  dispersion: number;
  /** Counts at which the short and the long window fire (live bucket included). */
  short: number;
  long: number;
  shortBuckets: number;
  longBuckets: number;
  /** Events the live bucket must hold for a window to fire: the CUSUM's ratio times the expectation. */
  liveMin: number;
}

/**
 * What a neighbouring hour (or the same hour on the days around) may lift an expectation to: its
 * learned events less `z` Poisson standard deviations of one hour's count (√v). A busy agent's
 * neighbours lift it almost fully (600 an hour: by 4 % less), a quiet agent's only when they
 * really differ: at 10 events an hour one hour's count is ±3, and the busiest of up to six such
 * noisy neighbours set the expectation 1.2–2.3× above the true rate on the tuning seeds (1–3),
 * which hid its bursts and rises (docs/tuning.md).
 */
function lifted(v: number, z: number): number {
  return v - z * Math.sqrt(v);
}

/**
 * Events learned for a local hour of week: the weekly EWMA, at least what the same hour saw on
 * both the day before and the day after (a daily job is expected even in the week its slot was
 * missed: the 02:00 that a spring-forward night skipped is learned as an empty hour); while the
 * slot has not been seen yet (the first week), the mean of the same hour on the days that have.
 */
function learnedHour(profile: HourProfile, slot: number, z: number): number {
  const v = profile.weekly(slot);
  if (!Number.isNaN(v)) {
    const daily = lifted(Math.min(profile.weekly((slot + 144) % 168), profile.weekly((slot + 24) % 168)), z);
    return daily > v ? daily : v;
  }
  let total = 0;
  let seen = 0;
  for (let day = 0; day < 7; day++) {
    const x = profile.weekly(day * 24 + (slot % 24));
    if (Number.isNaN(x)) continue;
    total += x;
    seen++;
  }
  return seen > 0 ? total / seen : Number.NaN;
}

/** Window lengths in buckets for this bucket width, at most RING. */
export function windowBuckets(bucketMs: number): { short: number; long: number } {
  return {
    short: Math.min(RING, Math.max(1, Math.round((5 * MINUTE_MS) / bucketMs))),
    long: Math.min(RING, Math.max(1, Math.round((15 * MINUTE_MS) / bucketMs))),
  };
}

/**
 * Expected events per bucket in the local hour of week `slot`: the busiest of it and its
 * neighbouring hours (business-hours edges, a job drifting across the hour; a neighbour counts
 * by what it exceeds its own noise, `neighbourNoise`), never below
 * `floorShare` of the agent's mean over its learned week (an hour with little history must not
 * expect ~0), times its current `level` (levelRatio).
 */
export function expectedPerBucket(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, level: number, z = s.neighbourNoise): number {
  let peak = learnedHour(profile, slot, z);
  for (const dh of [-1, 1]) {
    const n = learnedHour(profile, (slot + dh + 168) % 168, z);
    const v = Number.isNaN(peak) ? n : lifted(n, z);
    if (!Number.isNaN(v) && !(v <= peak)) peak = v;
  }
  let total = 0;
  let seen = 0;
  for (let h = 0; h < 168; h++) {
    const v = profile.weekly(h);
    if (Number.isNaN(v)) continue;
    total += v;
    seen++;
  }
  const mean = seen > 0 ? total / seen : 0;
  const perHour = Math.max(Number.isNaN(peak) ? mean : peak, s.floorShare * mean) * level;
  return (perHour * bucketMs) / HOUR_MS;
}

/**
 * Dispersion around an hour of day: its own windows and its neighbours', shrunk toward the
 * agent's typical dispersion (hierarchical: an hour with few windows, e.g. the night of an
 * office agent, borrows the agent's), and never below it, since an agent whose bursts come at
 * random hours has taught only some of them so far. The agent's typical dispersion is the upper
 * quartile of its hours with enough windows (a nightly batch inflates only its own hours),
 * shrunk toward the conservative prior while it has few.
 */
export function dispersionAround(v: DataView, hourOfDay: number, s: RateWindowSettings): number {
  const n0 = s.dispersionPriorWindows;
  const learned: number[] = [];
  let windows = 0;
  for (let h = 0; h < HOURS; h++) {
    const n = hourWindows(v, h);
    windows += n;
    if (n >= MIN_HOUR_WINDOWS) learned.push(hourSum(v, h) / n);
  }
  learned.sort((a, b) => a - b);
  const upper = learned.length > 0 ? (learned[Math.floor(learned.length * 0.75)] as number) : s.dispersionPrior;
  const agent = (upper * windows + s.dispersionPrior * n0) / (windows + n0);
  let r = 0;
  let n = 0;
  for (let dh = -1; dh <= 1; dh++) {
    const h = (hourOfDay + dh + HOURS) % HOURS;
    r += hourSum(v, h);
    n += hourWindows(v, h);
  }
  return Math.max(1, agent, (r + n0 * agent) / (n + n0));
}

/** An hour closed with `events` (discounted if it alerted) where the week profile expected `expected` (NaN: unknown). */
export function learnLevel(v: DataView, events: number, expected: number): void {
  if (Number.isNaN(expected)) return;
  const actual = v.getFloat64(LEVEL_ACTUAL, LE);
  const expectedLevel = v.getFloat64(LEVEL_EXPECTED, LE);
  v.setFloat64(LEVEL_ACTUAL, actual + LEVEL_ALPHA * (events - actual), LE);
  v.setFloat64(LEVEL_EXPECTED, expectedLevel + LEVEL_ALPHA * (expected - expectedLevel), LE);
}

/** The agent's level against its learned week, ≥ 1: a growing agent raises its expectation, a quiet day never lowers it. */
export function levelRatio(v: DataView, s: RateWindowSettings): number {
  const expected = v.getFloat64(LEVEL_EXPECTED, LE);
  if (!(expected > 0)) return 1;
  return Math.min(s.maxLevelRatio, Math.max(1, v.getFloat64(LEVEL_ACTUAL, LE) / expected));
}

/**
 * Thresholds for local hour of week `slot` with what the windows in `v` learned; `active`: the
 * agent has learned (else nothing fires).
 */
export function windowThresholds(v: DataView, profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, active: boolean): WindowThresholds {
  const { short, long } = windowBuckets(bucketMs);
  const level = levelRatio(v, s);
  const perBucket = expectedPerBucket(profile, slot, bucketMs, s, level);
  const cusumPerBucket = s.neighbourNoise > 0 ? expectedPerBucket(profile, slot, bucketMs, s, level, 0) : perBucket;
  const dispersion = dispersionAround(v, slot % HOURS, s);
  const liveMin = Math.max(1, Math.ceil(s.cusum.ratio * perBucket));
  if (!active || !s.enabled || !(perBucket > 0))
    return {
      perBucket,
      cusumPerBucket,
      dispersion,
      short: Number.POSITIVE_INFINITY,
      long: Number.POSITIVE_INFINITY,
      shortBuckets: short,
      longBuckets: long,
      liveMin,
    };
  const at = (buckets: number) => Math.max(s.minCount, countUpperQuantile(buckets * perBucket, dispersion, s.tailProbability));
  return { perBucket, cusumPerBucket, dispersion, short: at(short), long: at(long), shortBuckets: short, longBuckets: long, liveMin };
}
