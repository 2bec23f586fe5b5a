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
 * Scan windows over the last few buckets (issue 14, items 1–2): the counts of the last 5 and 15
 * minutes, live bucket included, are judged against the agent's seasonal expectation with a
 * negative-binomial upper tail whose dispersion the agent's own past 15-minute windows teach; a
 * CUSUM of the quasi-log-likelihood ratio (rate ×ρ against the expectation, divided by the
 * dispersion) adds evidence across minutes for long moderate rises. Thresholds are computed when
 * a local hour opens, so an event costs two comparisons.
 */
export class RateWindows {
  /** Ring of closed bucket counts, then per hour of day the decayed Σ (c − μ)²/μ and the window count. */
  readonly data: Float32Array;
  pos = 0;
  /** Counts of the closed buckets inside the short and long windows (the live one is added by the check). */
  closedShort = 0;
  closedLong = 0;
  th: WindowThresholds = {
    perBucket: 0,
    cusumPerBucket: 0,
    dispersion: 1,
    short: Number.POSITIVE_INFINITY,
    long: Number.POSITIVE_INFINITY,
    shortBuckets: 1,
    longBuckets: 1,
    liveMin: 1,
  };
  cusum = 0;
  /** Buckets since the CUSUM last stood at 0: how long the evidence has been building. */
  cusumBuckets = 0;
  /** Events in those buckets. */
  cusumCount = 0;
  cusumTripped = false;
  /** cusumBuckets and cusumCount when it tripped, for the explanation. */
  cusumPeakBuckets = 0;
  cusumPeakCount = 0;
  /** The aligned 15-minute block being summed for dispersion learning. */
  blockId = -1;
  blockCount = 0;
  blockExpected = 0;
  blockFlagged = false;
  /** Hourly EWMAs of events seen and of events the week profile expected: their ratio is the agent's current level. */
  levelActual = 0;
  levelExpected = 0;
  /** Whether this hour's windows teach the dispersion (set when the hour opens). */
  learnable = false;

  constructor(data?: Float32Array) {
    this.data = data ?? new Float32Array(RATE_WINDOWS_DATA);
  }

  /** A bucket closed with `count` events (`flagged`: it raised an alert); `blockId`: its 15-minute block. */
  closeBucket(count: number, flagged: boolean, blockId: number, hourOfDay: number, s: RateWindowSettings): void {
    this.data[this.pos] = count;
    this.pos = (this.pos + 1) % RING;
    this.learnBlock(count, flagged, blockId, hourOfDay);
    this.stepCusum(count, flagged, s);
  }

  /** `n` buckets passed with no event, the first in block `firstBlockId`. */
  skipBuckets(n: number, firstBlockId: number, blocksPerBucket: number, hourOfDay: number, s: RateWindowSettings): void {
    if (n <= 0) return;
    for (let k = 0; k < Math.min(n, RING); k++) {
      this.data[this.pos] = 0;
      this.pos = (this.pos + 1) % RING;
    }
    if (n <= MAX_SKIPPED_LEARNED) {
      for (let k = 0; k < n; k++) this.learnBlock(0, false, Math.floor(firstBlockId + k * blocksPerBucket), hourOfDay);
    } else {
      this.blockId = -1;
    }
    if (this.th.cusumPerBucket > 0 && Number.isFinite(this.th.short) && s.cusum.enabled) {
      this.cusum = Math.max(0, this.cusum - (n * (s.cusum.ratio - 1) * this.th.cusumPerBucket) / this.th.dispersion);
      this.cusumBuckets = this.cusum > 0 ? this.cusumBuckets + n : 0;
      if (this.cusum === 0) this.cusumCount = 0;
    }
  }

  /** A bucket opens: the closed parts of the windows. */
  openBucket(): void {
    const { shortBuckets: short, longBuckets: long } = this.th;
    let s = 0;
    let l = 0;
    for (let k = 1; k < long; k++) {
      const c = this.data[(this.pos - k + RING) % RING] as number;
      l += c;
      if (k < short) s += c;
    }
    this.closedShort = s;
    this.closedLong = l;
  }

  /** An hour closed with `events` (discounted if it alerted) where the week profile expected `expected` (NaN: unknown). */
  learnLevel(events: number, expected: number): void {
    if (Number.isNaN(expected)) return;
    this.levelActual += LEVEL_ALPHA * (events - this.levelActual);
    this.levelExpected += LEVEL_ALPHA * (expected - this.levelExpected);
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
    const d = this.data;
    const n0 = s.dispersionPriorWindows;
    const learned: number[] = [];
    let windows = 0;
    for (let h = 0; h < HOURS; h++) {
      const n = d[DISPERSION + 2 * h + 1] as number;
      windows += n;
      if (n >= MIN_HOUR_WINDOWS) learned.push((d[DISPERSION + 2 * h] as number) / n);
    }
    learned.sort((a, b) => a - b);
    const upper = learned.length > 0 ? (learned[Math.floor(learned.length * 0.75)] as number) : s.dispersionPrior;
    const agent = (upper * windows + s.dispersionPrior * n0) / (windows + n0);
    let r = 0;
    let n = 0;
    for (let dh = -1; dh <= 1; dh++) {
      const h = DISPERSION + 2 * ((hourOfDay + dh + HOURS) % HOURS);
      r += d[h] as number;
      n += d[h + 1] as number;
    }
    return Math.max(1, agent, (r + n0 * agent) / (n + n0));
  }

  /** The agent's level against its learned week, ≥ 1: a growing agent raises its expectation, a quiet day never lowers it. */
  levelRatio(s: RateWindowSettings): number {
    if (!(this.levelExpected > 0)) return 1;
    return Math.min(s.maxLevelRatio, Math.max(1, this.levelActual / this.levelExpected));
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
    this.th = this.thresholdsFor(profile, slot, bucketMs, s, active);
    this.learnable = learnable && this.th.perBucket > 0;
    this.openBucket();
  }

  private learnBlock(count: number, flagged: boolean, blockId: number, hourOfDay: number): void {
    if (blockId !== this.blockId) {
      this.finishBlock(hourOfDay);
      this.blockId = blockId;
      this.blockCount = 0;
      this.blockExpected = 0;
      this.blockFlagged = false;
    }
    this.blockCount += count;
    this.blockFlagged ||= flagged;
    // Only while the thresholds are live: an immature expectation teaches nothing about dispersion.
    if (this.learnable) this.blockExpected += this.th.perBucket;
    else this.blockFlagged = true;
  }

  private finishBlock(hourOfDay: number): void {
    if (this.blockId < 0 || this.blockFlagged || !(this.blockExpected > 0)) return;
    const mu = this.blockExpected;
    const r = Math.min(MAX_WINDOW_DISPERSION, ((this.blockCount - mu) * (this.blockCount - mu)) / mu);
    const h = DISPERSION + 2 * hourOfDay;
    const d = this.data;
    d[h] = (d[h] as number) * DISPERSION_DECAY + r;
    d[h + 1] = (d[h + 1] as number) * DISPERSION_DECAY + 1;
  }

  /** `flagged`: the bucket already raised rate_spike, so a trip in it adds nothing to report. */
  private stepCusum(count: number, flagged: boolean, s: RateWindowSettings): void {
    const { cusumPerBucket: perBucket, dispersion } = this.th;
    if (!s.cusum.enabled || !Number.isFinite(this.th.long) || !(perBucket > 0)) {
      this.cusum = 0;
      this.cusumBuckets = 0;
      this.cusumCount = 0;
      return;
    }
    // Page's CUSUM of log[P(c | ρμ) / P(c | μ)] = c·ln ρ − (ρ − 1)μ for Poisson counts, divided
    // by φ (quasi-likelihood): under the expectation it drifts down and crosses h about once in
    // e^h buckets (Wald); a ρ-fold rise climbs by about μ(ρ ln ρ − ρ + 1)/φ a bucket.
    // One bucket adds at most a fifth of h: the CUSUM is for evidence over minutes; a single
    // extreme minute is the scan windows' and the in-bucket rule's to judge, with their own tails.
    const step = Math.min(s.cusum.threshold / 5, (count * Math.log(s.cusum.ratio) - (s.cusum.ratio - 1) * perBucket) / dispersion);
    this.cusum = Math.max(0, this.cusum + step);
    this.cusumBuckets = this.cusum > 0 ? this.cusumBuckets + 1 : 0;
    this.cusumCount = this.cusum > 0 ? this.cusumCount + count : 0;
    if (this.cusum >= s.cusum.threshold) {
      this.cusumTripped = !flagged;
      this.cusumPeakBuckets = this.cusumBuckets;
      this.cusumPeakCount = this.cusumCount;
      this.cusum = 0;
      this.cusumBuckets = 0;
      this.cusumCount = 0;
    }
  }

  snapshot(): RateWindowsSnapshot {
    return {
      data: Array.from(this.data),
      pos: this.pos,
      th: {
        perBucket: this.th.perBucket,
        cusumPerBucket: this.th.cusumPerBucket,
        dispersion: this.th.dispersion,
        short: finiteOrNull(this.th.short),
        long: finiteOrNull(this.th.long),
        liveMin: this.th.liveMin,
      },
      cusum: this.cusum,
      cusumBuckets: this.cusumBuckets,
      cusumCount: this.cusumCount,
      cusumTripped: this.cusumTripped,
      cusumPeakBuckets: this.cusumPeakBuckets,
      cusumPeakCount: this.cusumPeakCount,
      learnable: this.learnable,
      blockId: this.blockId,
      blockCount: this.blockCount,
      blockExpected: this.blockExpected,
      blockFlagged: this.blockFlagged,
      levelActual: this.levelActual,
      levelExpected: this.levelExpected,
    };
  }

  static restore(s: RateWindowsSnapshot, bucketMs: number): RateWindows {
    const w = new RateWindows(Float32Array.from(s.data));
    w.pos = s.pos;
    const { short, long } = windowBuckets(bucketMs);
    const inf = Number.POSITIVE_INFINITY;
    // Snapshots from before neighbourNoise: one expectation for both.
    w.th = {
      perBucket: s.th.perBucket,
      cusumPerBucket: s.th.cusumPerBucket ?? s.th.perBucket,
      dispersion: s.th.dispersion,
      short: s.th.short ?? inf,
      long: s.th.long ?? inf,
      shortBuckets: short,
      longBuckets: long,
      liveMin: s.th.liveMin,
    };
    w.openBucket();
    w.cusum = s.cusum;
    w.cusumBuckets = s.cusumBuckets;
    w.cusumTripped = s.cusumTripped;
    w.cusumPeakBuckets = s.cusumPeakBuckets;
    w.cusumCount = s.cusumCount;
    w.cusumPeakCount = s.cusumPeakCount;
    w.learnable = s.learnable;
    w.blockId = s.blockId;
    w.blockCount = s.blockCount;
    w.blockExpected = s.blockExpected;
    w.blockFlagged = s.blockFlagged;
    w.levelActual = s.levelActual;
    w.levelExpected = s.levelExpected;
    return w;
  }
}
