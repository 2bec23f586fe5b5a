import type { HourProfile } from './hour-profile.js';
import { type RateWindowSettings, type WindowThresholds, learnLevel, windowThresholds } from './rate-window-thresholds.js';
import * as layout from './rate-windows-layout.js';
import { type RateWindowsSnapshot, restoreRateWindows, snapshotRateWindows } from './rate-windows-snapshot.js';

/**
 * Module-local copies of the layout's offsets and accessors, read by the per-event and per-bucket
 * methods below: an imported binding is read through its module cell on every use, where a local
 * const is folded. With named imports, firing() ×10 and one bucket close and open cost 1.8× main's
 * (0.248–0.269 against 0.130–0.154 µs an agent-minute, 2,000 agents, 3 runs each); with these
 * copies 0.121–0.139 (main 0.140–0.146 in the same runs).
 */
const {
  BLOCK_COUNT,
  BLOCK_EXPECTED,
  BLOCK_FLAGGED,
  BLOCK_ID,
  BYTES,
  CUSUM,
  CUSUM_BUCKETS,
  CUSUM_COUNT,
  CUSUM_PEAK_BUCKETS,
  CUSUM_PEAK_COUNT,
  CUSUM_PER_BUCKET,
  DISPERSION_AT,
  F32,
  FIRE_LONG,
  FIRE_SHORT,
  FLAGS,
  HOURS_AT,
  LE,
  LEARNABLE,
  LIVE_MIN,
  LONG,
  LONG_BUCKETS,
  PER_BUCKET,
  POS,
  RING,
  SHORT,
  SHORT_BUCKETS,
  TRIPPED,
  hourSum,
  hourWindows,
  readThresholds,
  writeThresholds,
} = layout;

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
/** Empty buckets learned one by one after a gap, at most (beyond: the gap is not learned). */
const MAX_SKIPPED_LEARNED = 60;

/** Which rule of the scan windows fires on the live bucket. */
export type WindowRule = 'short' | 'long' | 'cusum';

/**
 * Scan windows over the last few buckets (issue 14, items 1–2): the counts of the last 5 and 15
 * minutes, live bucket included, are judged against the agent's seasonal expectation with a
 * negative-binomial upper tail whose dispersion the agent's own past 15-minute windows teach; a
 * CUSUM of the quasi-log-likelihood ratio (rate ×ρ against the expectation, divided by the
 * dispersion) adds evidence across minutes for long moderate rises. Thresholds are computed when
 * a local hour opens, and what the live bucket must reach when a bucket opens, so an event costs
 * two comparisons. This file: the per-event and per-bucket updates (kept as methods on the class,
 * the hot path); the buffer's layout, the thresholds' computation and the snapshot form live in
 * rate-windows-layout.ts, rate-window-thresholds.ts and rate-windows-snapshot.ts.
 * Exports: WindowRule, RateWindows.
 */
export class RateWindows {
  private readonly v: DataView;

  constructor() {
    this.v = new DataView(new ArrayBuffer(BYTES));
    writeThresholds(this.v, {
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
    return readThresholds(this.v);
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
    learnLevel(this.v, events, expected);
  }

  /** Thresholds for local hour of week `slot` with what this agent learned; `active`: the agent has learned (else nothing fires). */
  thresholdsFor(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, active: boolean): WindowThresholds {
    return windowThresholds(this.v, profile, slot, bucketMs, s, active);
  }

  /** A local hour opens; `learnable`: the expectation has seen a day, so windows may teach the dispersion. */
  openHour(profile: HourProfile, slot: number, bucketMs: number, s: RateWindowSettings, active: boolean, learnable: boolean): void {
    const th = this.thresholdsFor(profile, slot, bucketMs, s, active);
    writeThresholds(this.v, th);
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
    v.setFloat32(at, hourSum(v, hourOfDay) * DISPERSION_DECAY + r, LE);
    v.setFloat32(at + F32, hourWindows(v, hourOfDay) * DISPERSION_DECAY + 1, LE);
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
    return snapshotRateWindows(this.v);
  }

  static restore(s: RateWindowsSnapshot, bucketMs: number): RateWindows {
    const w = new RateWindows();
    restoreRateWindows(w.v, s, bucketMs);
    w.openBucket();
    return w;
  }
}
