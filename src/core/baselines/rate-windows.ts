import type { EngineSettings } from '../engine-settings.js';
import { countUpperQuantile } from '../stats/negative-binomial.js';
import type { HourProfile } from './hour-profile.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Closed buckets remembered: the 15-minute window at one-minute buckets. */
export const RING = 15;
const DISPERSION = RING;
const HOURS = 24;
/** Length of the state array: the ring, then (Σ r, n) per hour of day. */
export const RATE_WINDOWS_DATA = RING + 2 * HOURS;
/**
 * Each 15-minute window's squared excess counts toward its hour of day with weight 1, the older
 * ones fading by this much per new one: 4 windows an hour → a half-life of about 17 days.
 */
const DISPERSION_DECAY = 0.99;
/**
 * Bounds one window's (c − μ)² / μ, for the arithmetic only: a nightly batch packed into half its
 * hour really is that over-dispersed against the hour's mean, and capping it lower made the
 * CUSUM fire on every run.
 */
const MAX_WINDOW_DISPERSION = 1e6;
/** The level ratio follows the last day (hourly EWMA, half-life 24 h). */
const LEVEL_ALPHA = 1 - Math.pow(0.5, 1 / 24);
/** An hour of day with fewer 15-minute windows than this does not vote on the agent's typical dispersion. */
const MIN_HOUR_WINDOWS = 8;
/** Empty buckets learned one by one after a gap, at most (beyond: the gap is not learned). */
const MAX_SKIPPED_LEARNED = 60;

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

export interface RateWindowsSnapshot {
  /** Closed bucket counts (ring) then (Σ r, Σ n) per local hour of the day. */
  data: number[];
  pos: number;
  /** The open hour's thresholds (null: infinite), kept so a restore mid-hour judges as before. */
  th: { perBucket: number; cusumPerBucket?: number; dispersion: number; short: number | null; long: number | null; liveMin: number };
  cusum: number;
  cusumBuckets: number;
  cusumCount: number;
  cusumTripped: boolean;
  cusumPeakBuckets: number;
  cusumPeakCount: number;
  learnable: boolean;
  blockId: number;
  blockCount: number;
  blockExpected: number;
  blockFlagged: boolean;
  levelActual: number;
  levelExpected: number;
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

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Window lengths in buckets for this bucket width, at most RING. */
export function windowBuckets(bucketMs: number): { short: number; long: number } {
  return {
    short: Math.min(RING, Math.max(1, Math.round((5 * MINUTE_MS) / bucketMs))),
    long: Math.min(RING, Math.max(1, Math.round((15 * MINUTE_MS) / bucketMs))),
  };
}

/**
 * Byte layout of a `RateWindows` (issue 14, item 6: ≤ 700 bytes of state per agent for the
 * windows, the CUSUM and rate_drop). One `ArrayBuffer` behind one `DataView` instead of an
 * object with 22 fields, a thresholds object and a Float32Array: a typed array or DataView costs
 * about 170 bytes of headers whatever its length, and every double-valued field of an object
 * about 24 (a pointer to a boxed number), so everything lives in one buffer (measured:
 * bench/memory-rate-state.ts). The ring and the per-hour dispersion sums stay float32 and
 * everything else float64, as before, so every value and every comparison is the same.
 */
const F32 = 4;
/** Float32: the ring of closed bucket counts, then (Σ r, n) per hour of day: the snapshot's `data`. */
const HOURS_AT = DISPERSION * F32;
const POS = RATE_WINDOWS_DATA * F32; // uint8: the ring's next slot
const SHORT_BUCKETS = POS + 1; // uint8
const LONG_BUCKETS = POS + 2; // uint8
const FLAGS = POS + 3; // uint8: the three booleans below
const TRIPPED = 1;
const BLOCK_FLAGGED = 2;
const LEARNABLE = 4;
// Float64 from here, 8-byte aligned.
const PER_BUCKET = POS + 4;
const CUSUM_PER_BUCKET = PER_BUCKET + 8;
const DISPERSION_AT = PER_BUCKET + 16;
const SHORT = PER_BUCKET + 24;
const LONG = PER_BUCKET + 32;
const LIVE_MIN = PER_BUCKET + 40;
/** max(liveMin, short − closed part of the short window): the live bucket's count that fires it. */
const FIRE_SHORT = PER_BUCKET + 48;
const FIRE_LONG = PER_BUCKET + 56;
const CUSUM = PER_BUCKET + 64;
const CUSUM_BUCKETS = PER_BUCKET + 72;
const CUSUM_COUNT = PER_BUCKET + 80;
const CUSUM_PEAK_BUCKETS = PER_BUCKET + 88;
const CUSUM_PEAK_COUNT = PER_BUCKET + 96;
const BLOCK_ID = PER_BUCKET + 104;
const BLOCK_COUNT = PER_BUCKET + 112;
const BLOCK_EXPECTED = PER_BUCKET + 120;
const LEVEL_ACTUAL = PER_BUCKET + 128;
const LEVEL_EXPECTED = PER_BUCKET + 136;
const BYTES = PER_BUCKET + 144;
/** Little-endian, the byte order of the machines this runs on: no swap per access. */
const LE = true;

/** Which rule of the scan windows fires on the live bucket. */
export type WindowRule = 'short' | 'long' | 'cusum';

/**
 * Scan windows over the last few buckets (issue 14, items 1–2): the counts of the last 5 and 15
 * minutes, live bucket included, are judged against the agent's seasonal expectation with a
 * negative-binomial upper tail whose dispersion the agent's own past 15-minute windows teach; a
 * CUSUM of the quasi-log-likelihood ratio (rate ×ρ against the expectation, divided by the
 * dispersion) adds evidence across minutes for long moderate rises. Thresholds are computed when
 * a local hour opens, and what the live bucket must reach when a bucket opens, so an event costs
 * two comparisons.
 */
export class RateWindows {
  private readonly v: DataView;

  constructor() {
    this.v = new DataView(new ArrayBuffer(BYTES));
    this.setThresholds({
      perBucket: 0,
      cusumPerBucket: 0,
      dispersion: 1,
      short: Number.POSITIVE_INFINITY,
      long: Number.POSITIVE_INFINITY,
      shortBuckets: 1,
      longBuckets: 1,
      liveMin: 1,
    });
    this.v.setFloat64(BLOCK_ID, -1, LE);
    this.openBucket();
  }

  /** The open hour's thresholds (a copy: for findings and `inspect`, not per event). */
  get th(): WindowThresholds {
    const v = this.v;
    return {
      perBucket: v.getFloat64(PER_BUCKET, LE),
      cusumPerBucket: v.getFloat64(CUSUM_PER_BUCKET, LE),
      dispersion: v.getFloat64(DISPERSION_AT, LE),
      short: v.getFloat64(SHORT, LE),
      long: v.getFloat64(LONG, LE),
      shortBuckets: v.getUint8(SHORT_BUCKETS),
      longBuckets: v.getUint8(LONG_BUCKETS),
      liveMin: v.getFloat64(LIVE_MIN, LE),
    };
  }

  private setThresholds(th: WindowThresholds): void {
    const v = this.v;
    v.setFloat64(PER_BUCKET, th.perBucket, LE);
    v.setFloat64(CUSUM_PER_BUCKET, th.cusumPerBucket, LE);
    v.setFloat64(DISPERSION_AT, th.dispersion, LE);
    v.setFloat64(SHORT, th.short, LE);
    v.setFloat64(LONG, th.long, LE);
    v.setUint8(SHORT_BUCKETS, th.shortBuckets);
    v.setUint8(LONG_BUCKETS, th.longBuckets);
    v.setFloat64(LIVE_MIN, th.liveMin, LE);
  }

  /**
   * The rule the live bucket's `count` fires, if any. A window judges only while the live bucket
   * is itself raised (count ≥ liveMin), and fires at closed + count ≥ its threshold: both folded
   * into one bound per window when the bucket opened (counts and thresholds are integers, so the
   * subtraction is exact).
   */
  firing(count: number): WindowRule | undefined {
    const v = this.v;
    if (count >= v.getFloat64(FIRE_SHORT, LE)) return 'short';
    if (count >= v.getFloat64(FIRE_LONG, LE)) return 'long';
    return (v.getUint8(FLAGS) & TRIPPED) !== 0 ? 'cusum' : undefined;
  }

  private flag(bit: number): boolean {
    return (this.v.getUint8(FLAGS) & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    const f = this.v.getUint8(FLAGS);
    this.v.setUint8(FLAGS, on ? f | bit : f & ~bit);
  }

  /** The CUSUM crossed its threshold at the last bucket close and no rule has reported it yet. */
  get cusumTripped(): boolean {
    return this.flag(TRIPPED);
  }

  set cusumTripped(on: boolean) {
    this.setFlag(TRIPPED, on);
  }

  /** Buckets and events of the CUSUM's run when it tripped, for the explanation. */
  get cusumPeakBuckets(): number {
    return this.v.getFloat64(CUSUM_PEAK_BUCKETS, LE);
  }

  get cusumPeakCount(): number {
    return this.v.getFloat64(CUSUM_PEAK_COUNT, LE);
  }

  /** Whether this hour's windows teach the dispersion (set when the hour opens). */
  get learnable(): boolean {
    return this.flag(LEARNABLE);
  }

  /** Count of the `k`-th closed bucket before the open one (1: the last closed), k ≤ RING. */
  closedBucket(k: number): number {
    return this.v.getFloat32(((this.v.getUint8(POS) - k + RING) % RING) * F32, LE);
  }

  /** Events in the closed buckets of the last `buckets` buckets, live one included (its count is the caller's). */
  closedSum(buckets: number): number {
    let sum = 0;
    for (let k = 1; k < buckets; k++) sum += this.closedBucket(k);
    return sum;
  }

  private pushRing(count: number): void {
    const pos = this.v.getUint8(POS);
    this.v.setFloat32(pos * F32, count, LE);
    this.v.setUint8(POS, (pos + 1) % RING);
  }

  /** A bucket closed with `count` events (`flagged`: it raised an alert); `blockId`: its 15-minute block. */
  closeBucket(count: number, flagged: boolean, blockId: number, hourOfDay: number, s: RateWindowSettings): void {
    this.pushRing(count);
    this.learnBlock(count, flagged, blockId, hourOfDay);
    this.stepCusum(count, flagged, s);
  }

  /** `n` buckets passed with no event, the first in block `firstBlockId`. */
  skipBuckets(n: number, firstBlockId: number, blocksPerBucket: number, hourOfDay: number, s: RateWindowSettings): void {
    if (n <= 0) return;
    for (let k = 0; k < Math.min(n, RING); k++) this.pushRing(0);
    if (n <= MAX_SKIPPED_LEARNED) {
      for (let k = 0; k < n; k++) this.learnBlock(0, false, Math.floor(firstBlockId + k * blocksPerBucket), hourOfDay);
    } else {
      this.v.setFloat64(BLOCK_ID, -1, LE);
    }
    const v = this.v;
    const perBucket = v.getFloat64(CUSUM_PER_BUCKET, LE);
    if (perBucket > 0 && Number.isFinite(v.getFloat64(SHORT, LE)) && s.cusum.enabled) {
      const cusum = Math.max(0, v.getFloat64(CUSUM, LE) - (n * (s.cusum.ratio - 1) * perBucket) / v.getFloat64(DISPERSION_AT, LE));
      v.setFloat64(CUSUM, cusum, LE);
      v.setFloat64(CUSUM_BUCKETS, cusum > 0 ? v.getFloat64(CUSUM_BUCKETS, LE) + n : 0, LE);
      if (cusum === 0) v.setFloat64(CUSUM_COUNT, 0, LE);
    }
  }

  /** A bucket opens: what the live bucket must hold for each window to fire. */
  openBucket(): void {
    const v = this.v;
    const short = v.getUint8(SHORT_BUCKETS);
    const long = v.getUint8(LONG_BUCKETS);
    let s = 0;
    let l = 0;
    for (let k = 1; k < long; k++) {
      const c = this.closedBucket(k);
      l += c;
      if (k < short) s += c;
    }
    const liveMin = v.getFloat64(LIVE_MIN, LE);
    v.setFloat64(FIRE_SHORT, Math.max(liveMin, v.getFloat64(SHORT, LE) - s), LE);
    v.setFloat64(FIRE_LONG, Math.max(liveMin, v.getFloat64(LONG, LE) - l), LE);
  }

  /** An hour closed with `events` (discounted if it alerted) where the week profile expected `expected` (NaN: unknown). */
  learnLevel(events: number, expected: number): void {
    if (Number.isNaN(expected)) return;
    const v = this.v;
    const actual = v.getFloat64(LEVEL_ACTUAL, LE);
    const expectedLevel = v.getFloat64(LEVEL_EXPECTED, LE);
    v.setFloat64(LEVEL_ACTUAL, actual + LEVEL_ALPHA * (events - actual), LE);
    v.setFloat64(LEVEL_EXPECTED, expectedLevel + LEVEL_ALPHA * (expected - expectedLevel), LE);
  }

  /** The decayed Σ (c − μ)²/μ of hour of day `h`'s 15-minute windows (float32, as stored). */
  private hourSum(h: number): number {
    return this.v.getFloat32(HOURS_AT + 8 * h, LE);
  }

  /** The decayed count of hour of day `h`'s 15-minute windows. */
  private hourWindows(h: number): number {
    return this.v.getFloat32(HOURS_AT + 8 * h + F32, LE);
  }

  /**
   * Dispersion around an hour of day: its own windows and its neighbours', shrunk toward the
   * agent's typical dispersion (hierarchical: an hour with few windows, e.g. the night of an
   * office agent, borrows the agent's), and never below it, since an agent whose bursts come at
   * random hours has taught only some of them so far. The agent's typical dispersion is the upper
   * quartile of its hours with enough windows (a nightly batch inflates only its own hours),
   * shrunk toward the conservative prior while it has few.
   */
  dispersionAround(hourOfDay: number, s: RateWindowSettings): number {
    const n0 = s.dispersionPriorWindows;
    const learned: number[] = [];
    let windows = 0;
    for (let h = 0; h < HOURS; h++) {
      const n = this.hourWindows(h);
      windows += n;
      if (n >= MIN_HOUR_WINDOWS) learned.push(this.hourSum(h) / n);
    }
    learned.sort((a, b) => a - b);
    const upper = learned.length > 0 ? (learned[Math.floor(learned.length * 0.75)] as number) : s.dispersionPrior;
    const agent = (upper * windows + s.dispersionPrior * n0) / (windows + n0);
    let r = 0;
    let n = 0;
    for (let dh = -1; dh <= 1; dh++) {
      const h = (hourOfDay + dh + HOURS) % HOURS;
      r += this.hourSum(h);
      n += this.hourWindows(h);
    }
    return Math.max(1, agent, (r + n0 * agent) / (n + n0));
  }

  /** The agent's level against its learned week, ≥ 1: a growing agent raises its expectation, a quiet day never lowers it. */
  levelRatio(s: RateWindowSettings): number {
    const expected = this.v.getFloat64(LEVEL_EXPECTED, LE);
    if (!(expected > 0)) return 1;
    return Math.min(s.maxLevelRatio, Math.max(1, this.v.getFloat64(LEVEL_ACTUAL, LE) / expected));
  }

  /**
   * Expected events per bucket in the local hour of week `slot`: the busiest of it and its
   * neighbouring hours (business-hours edges, a job drifting across the hour; a neighbour counts
   * by what it exceeds its own noise, `neighbourNoise`), never below
   * `floorShare` of the agent's mean over its learned week (an hour with little history must not
   * expect ~0), times its current level.
   */
  expectedPerBucket(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, z = s.neighbourNoise): number {
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
    const perHour = Math.max(Number.isNaN(peak) ? mean : peak, s.floorShare * mean) * this.levelRatio(s);
    return (perHour * bucketMs) / HOUR_MS;
  }

  /** Thresholds for local hour of week `slot`; `active`: the agent has learned (else nothing fires). */
  thresholdsFor(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, active: boolean): WindowThresholds {
    const { short, long } = windowBuckets(bucketMs);
    const perBucket = this.expectedPerBucket(profile, slot, bucketMs, s);
    const cusumPerBucket = s.neighbourNoise > 0 ? this.expectedPerBucket(profile, slot, bucketMs, s, 0) : perBucket;
    const dispersion = this.dispersionAround(slot % HOURS, s);
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

  /** A local hour opens; `learnable`: the expectation has seen a day, so windows may teach the dispersion. */
  openHour(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, active: boolean, learnable: boolean): void {
    const th = this.thresholdsFor(profile, slot, bucketMs, s, active);
    this.setThresholds(th);
    this.setFlag(LEARNABLE, learnable && th.perBucket > 0);
    this.openBucket();
  }

  private learnBlock(count: number, flagged: boolean, blockId: number, hourOfDay: number): void {
    const v = this.v;
    if (blockId !== v.getFloat64(BLOCK_ID, LE)) {
      this.finishBlock(hourOfDay);
      v.setFloat64(BLOCK_ID, blockId, LE);
      v.setFloat64(BLOCK_COUNT, 0, LE);
      v.setFloat64(BLOCK_EXPECTED, 0, LE);
      this.setFlag(BLOCK_FLAGGED, false);
    }
    v.setFloat64(BLOCK_COUNT, v.getFloat64(BLOCK_COUNT, LE) + count, LE);
    if (flagged) this.setFlag(BLOCK_FLAGGED, true);
    // Only while the thresholds are live: an immature expectation teaches nothing about dispersion.
    if (this.flag(LEARNABLE)) v.setFloat64(BLOCK_EXPECTED, v.getFloat64(BLOCK_EXPECTED, LE) + v.getFloat64(PER_BUCKET, LE), LE);
    else this.setFlag(BLOCK_FLAGGED, true);
  }

  private finishBlock(hourOfDay: number): void {
    const v = this.v;
    const mu = v.getFloat64(BLOCK_EXPECTED, LE);
    if (v.getFloat64(BLOCK_ID, LE) < 0 || this.flag(BLOCK_FLAGGED) || !(mu > 0)) return;
    const count = v.getFloat64(BLOCK_COUNT, LE);
    const r = Math.min(MAX_WINDOW_DISPERSION, ((count - mu) * (count - mu)) / mu);
    const at = HOURS_AT + 8 * hourOfDay;
    v.setFloat32(at, this.hourSum(hourOfDay) * DISPERSION_DECAY + r, LE);
    v.setFloat32(at + F32, this.hourWindows(hourOfDay) * DISPERSION_DECAY + 1, LE);
  }

  /** `flagged`: the bucket already raised rate_spike, so a trip in it adds nothing to report. */
  private stepCusum(count: number, flagged: boolean, s: RateWindowSettings): void {
    const v = this.v;
    const perBucket = v.getFloat64(CUSUM_PER_BUCKET, LE);
    if (!s.cusum.enabled || !Number.isFinite(v.getFloat64(LONG, LE)) || !(perBucket > 0)) {
      v.setFloat64(CUSUM, 0, LE);
      v.setFloat64(CUSUM_BUCKETS, 0, LE);
      v.setFloat64(CUSUM_COUNT, 0, LE);
      return;
    }
    // Page's CUSUM of log[P(c | ρμ) / P(c | μ)] = c·ln ρ − (ρ − 1)μ for Poisson counts, divided
    // by φ (quasi-likelihood): under the expectation it drifts down and crosses h about once in
    // e^h buckets (Wald); a ρ-fold rise climbs by about μ(ρ ln ρ − ρ + 1)/φ a bucket.
    // One bucket adds at most a fifth of h: the CUSUM is for evidence over minutes; a single
    // extreme minute is the scan windows' and the in-bucket rule's to judge, with their own tails.
    const step = Math.min(s.cusum.threshold / 5, (count * Math.log(s.cusum.ratio) - (s.cusum.ratio - 1) * perBucket) / v.getFloat64(DISPERSION_AT, LE));
    const cusum = Math.max(0, v.getFloat64(CUSUM, LE) + step);
    const buckets = cusum > 0 ? v.getFloat64(CUSUM_BUCKETS, LE) + 1 : 0;
    const events = cusum > 0 ? v.getFloat64(CUSUM_COUNT, LE) + count : 0;
    if (cusum >= s.cusum.threshold) {
      this.setFlag(TRIPPED, !flagged);
      v.setFloat64(CUSUM_PEAK_BUCKETS, buckets, LE);
      v.setFloat64(CUSUM_PEAK_COUNT, events, LE);
      v.setFloat64(CUSUM, 0, LE);
      v.setFloat64(CUSUM_BUCKETS, 0, LE);
      v.setFloat64(CUSUM_COUNT, 0, LE);
      return;
    }
    v.setFloat64(CUSUM, cusum, LE);
    v.setFloat64(CUSUM_BUCKETS, buckets, LE);
    v.setFloat64(CUSUM_COUNT, events, LE);
  }

  snapshot(): RateWindowsSnapshot {
    const v = this.v;
    const data: number[] = [];
    for (let i = 0; i < RATE_WINDOWS_DATA; i++) data.push(v.getFloat32(i * F32, LE));
    return {
      data,
      pos: v.getUint8(POS),
      th: {
        perBucket: v.getFloat64(PER_BUCKET, LE),
        cusumPerBucket: v.getFloat64(CUSUM_PER_BUCKET, LE),
        dispersion: v.getFloat64(DISPERSION_AT, LE),
        short: finiteOrNull(v.getFloat64(SHORT, LE)),
        long: finiteOrNull(v.getFloat64(LONG, LE)),
        liveMin: v.getFloat64(LIVE_MIN, LE),
      },
      cusum: v.getFloat64(CUSUM, LE),
      cusumBuckets: v.getFloat64(CUSUM_BUCKETS, LE),
      cusumCount: v.getFloat64(CUSUM_COUNT, LE),
      cusumTripped: this.flag(TRIPPED),
      cusumPeakBuckets: v.getFloat64(CUSUM_PEAK_BUCKETS, LE),
      cusumPeakCount: v.getFloat64(CUSUM_PEAK_COUNT, LE),
      learnable: this.flag(LEARNABLE),
      blockId: v.getFloat64(BLOCK_ID, LE),
      blockCount: v.getFloat64(BLOCK_COUNT, LE),
      blockExpected: v.getFloat64(BLOCK_EXPECTED, LE),
      blockFlagged: this.flag(BLOCK_FLAGGED),
      levelActual: v.getFloat64(LEVEL_ACTUAL, LE),
      levelExpected: v.getFloat64(LEVEL_EXPECTED, LE),
    };
  }

  static restore(s: RateWindowsSnapshot, bucketMs: number): RateWindows {
    const w = new RateWindows();
    const v = w.v;
    s.data.forEach((x, i) => v.setFloat32(i * F32, x, LE));
    v.setUint8(POS, s.pos);
    const { short, long } = windowBuckets(bucketMs);
    const inf = Number.POSITIVE_INFINITY;
    // Snapshots from before neighbourNoise: one expectation for both.
    w.setThresholds({
      perBucket: s.th.perBucket,
      cusumPerBucket: s.th.cusumPerBucket ?? s.th.perBucket,
      dispersion: s.th.dispersion,
      short: s.th.short ?? inf,
      long: s.th.long ?? inf,
      shortBuckets: short,
      longBuckets: long,
      liveMin: s.th.liveMin,
    });
    w.openBucket();
    v.setFloat64(CUSUM, s.cusum, LE);
    v.setFloat64(CUSUM_BUCKETS, s.cusumBuckets, LE);
    v.setFloat64(CUSUM_COUNT, s.cusumCount, LE);
    v.setFloat64(CUSUM_PEAK_BUCKETS, s.cusumPeakBuckets, LE);
    v.setFloat64(CUSUM_PEAK_COUNT, s.cusumPeakCount, LE);
    v.setFloat64(BLOCK_ID, s.blockId, LE);
    v.setFloat64(BLOCK_COUNT, s.blockCount, LE);
    v.setFloat64(BLOCK_EXPECTED, s.blockExpected, LE);
    v.setFloat64(LEVEL_ACTUAL, s.levelActual, LE);
    v.setFloat64(LEVEL_EXPECTED, s.levelExpected, LE);
    w.setFlag(TRIPPED, s.cusumTripped);
    w.setFlag(LEARNABLE, s.learnable);
    w.setFlag(BLOCK_FLAGGED, s.blockFlagged);
    return w;
  }
}
