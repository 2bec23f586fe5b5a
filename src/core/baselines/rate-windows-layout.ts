import type { WindowThresholds } from './rate-window-thresholds.js';

/**
 * The byte layout of one agent's `RateWindows` (rate-windows.ts): the offsets of its fields in
 * one buffer, and the thresholds' accessors that the class, its constructor and a restore share.
 * Exports: RING, HOURS, RATE_WINDOWS_DATA, the offsets (F32 … BYTES), the FLAGS bits, LE,
 * hourSum, hourWindows, readThresholds, writeThresholds.
 */

/** Closed buckets remembered: the 15-minute window at one-minute buckets. */
export const RING = 15;
export const HOURS = 24;
/** Length of the state array: the ring, then (Σ r, n) per hour of day. */
export const RATE_WINDOWS_DATA = RING + 2 * HOURS;

/**
 * Issue 14, item 6: ≤ 700 bytes of state per agent for the windows, the CUSUM and rate_drop.
 * One `ArrayBuffer` behind one `DataView` instead of an object with 22 fields, a thresholds
 * object and a Float32Array: a typed array or DataView costs about 170 bytes of headers whatever
 * its length, and every double-valued field of an object about 24 (a pointer to a boxed number),
 * so everything lives in one buffer (measured: bench/memory-rate-state.ts). The ring and the
 * per-hour dispersion sums stay float32 and everything else float64, as before, so every value
 * and every comparison is the same.
 */
export const F32 = 4;
/** Float32: the ring of closed bucket counts, then (Σ r, n) per hour of day: the snapshot's `data`. */
export const HOURS_AT = RING * F32;
export const POS = RATE_WINDOWS_DATA * F32; // uint8: the ring's next slot
export const SHORT_BUCKETS = POS + 1; // uint8
export const LONG_BUCKETS = POS + 2; // uint8
export const FLAGS = POS + 3; // uint8: the three booleans below
export const TRIPPED = 1;
export const BLOCK_FLAGGED = 2;
export const LEARNABLE = 4;
// Float64 from here, 8-byte aligned.
export const PER_BUCKET = POS + 4;
export const CUSUM_PER_BUCKET = PER_BUCKET + 8;
export const DISPERSION_AT = PER_BUCKET + 16;
export const SHORT = PER_BUCKET + 24;
export const LONG = PER_BUCKET + 32;
export const LIVE_MIN = PER_BUCKET + 40;
/** max(liveMin, short − closed part of the short window): the live bucket's count that fires it. */
export const FIRE_SHORT = PER_BUCKET + 48;
export const FIRE_LONG = PER_BUCKET + 56;
export const CUSUM = PER_BUCKET + 64;
export const CUSUM_BUCKETS = PER_BUCKET + 72;
export const CUSUM_COUNT = PER_BUCKET + 80;
export const CUSUM_PEAK_BUCKETS = PER_BUCKET + 88;
export const CUSUM_PEAK_COUNT = PER_BUCKET + 96;
export const BLOCK_ID = PER_BUCKET + 104;
export const BLOCK_COUNT = PER_BUCKET + 112;
export const BLOCK_EXPECTED = PER_BUCKET + 120;
export const LEVEL_ACTUAL = PER_BUCKET + 128;
export const LEVEL_EXPECTED = PER_BUCKET + 136;
export const BYTES = PER_BUCKET + 144;
/** Little-endian, the byte order of the machines this runs on: no swap per access. */
export const LE = true;

/** The decayed Σ (c − μ)²/μ of hour of day `h`'s 15-minute windows (float32, as stored). */
export function hourSum(v: DataView, h: number): number {
  return v.getFloat32(HOURS_AT + 8 * h, LE);
}

/** The decayed count of hour of day `h`'s 15-minute windows. */
export function hourWindows(v: DataView, h: number): number {
  return v.getFloat32(HOURS_AT + 8 * h + F32, LE);
}

/** The open hour's thresholds (a copy: for findings and `inspect`, not per event). */
export function readThresholds(v: DataView): WindowThresholds {
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

/** Once an hour (and at construction and restore): the bars every event of the hour is compared with. */
export function writeThresholds(v: DataView, th: WindowThresholds): void {
  v.setFloat64(PER_BUCKET, th.perBucket, LE);
  v.setFloat64(CUSUM_PER_BUCKET, th.cusumPerBucket, LE);
  v.setFloat64(DISPERSION_AT, th.dispersion, LE);
  v.setFloat64(SHORT, th.short, LE);
  v.setFloat64(LONG, th.long, LE);
  v.setUint8(SHORT_BUCKETS, th.shortBuckets);
  v.setUint8(LONG_BUCKETS, th.longBuckets);
  v.setFloat64(LIVE_MIN, th.liveMin, LE);
}
