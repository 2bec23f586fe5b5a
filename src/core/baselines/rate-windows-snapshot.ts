import { windowBuckets } from './rate-window-thresholds.js';
import {
  BLOCK_COUNT,
  BLOCK_EXPECTED,
  BLOCK_FLAGGED,
  BLOCK_ID,
  CUSUM,
  CUSUM_BUCKETS,
  CUSUM_COUNT,
  CUSUM_PEAK_BUCKETS,
  CUSUM_PEAK_COUNT,
  CUSUM_PER_BUCKET,
  DISPERSION_AT,
  F32,
  FLAGS,
  LE,
  LEARNABLE,
  LEVEL_ACTUAL,
  LEVEL_EXPECTED,
  LIVE_MIN,
  LONG,
  PER_BUCKET,
  POS,
  RATE_WINDOWS_DATA,
  SHORT,
  TRIPPED,
  writeThresholds,
} from './rate-windows-layout.js';

/**
 * The snapshot form of a `RateWindows` (rate-windows.ts) and its conversion to and from the
 * buffer (rate-windows-layout.ts). Exports: RateWindowsSnapshot, snapshotRateWindows,
 * restoreRateWindows.
 */

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

type Scalars = Omit<RateWindowsSnapshot, 'data' | 'pos' | 'th'>;

/**
 * Where each scalar of the snapshot lives: a float64's offset or a bit of FLAGS. One table for
 * both directions, so a field cannot be written without being read back; typed over every key,
 * so a field added to the snapshot without a place here does not compile. In the snapshot's key
 * order, so a state file is written byte for byte as before.
 */
const SCALARS: { readonly [K in keyof Scalars]: Scalars[K] extends boolean ? { bit: number } : { at: number } } = {
  cusum: { at: CUSUM },
  cusumBuckets: { at: CUSUM_BUCKETS },
  cusumCount: { at: CUSUM_COUNT },
  cusumTripped: { bit: TRIPPED },
  cusumPeakBuckets: { at: CUSUM_PEAK_BUCKETS },
  cusumPeakCount: { at: CUSUM_PEAK_COUNT },
  learnable: { bit: LEARNABLE },
  blockId: { at: BLOCK_ID },
  blockCount: { at: BLOCK_COUNT },
  blockExpected: { at: BLOCK_EXPECTED },
  blockFlagged: { bit: BLOCK_FLAGGED },
  levelActual: { at: LEVEL_ACTUAL },
  levelExpected: { at: LEVEL_EXPECTED },
};
const SCALAR_ENTRIES = Object.entries(SCALARS) as [keyof Scalars, { bit: number } | { at: number }][];

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function snapshotRateWindows(v: DataView): RateWindowsSnapshot {
  const data: number[] = [];
  for (let i = 0; i < RATE_WINDOWS_DATA; i++) data.push(v.getFloat32(i * F32, LE));
  const snapshot: Record<string, unknown> = {
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
  };
  const flags = v.getUint8(FLAGS);
  for (const [key, f] of SCALAR_ENTRIES) snapshot[key] = 'bit' in f ? (flags & f.bit) !== 0 : v.getFloat64(f.at, LE);
  return snapshot as unknown as RateWindowsSnapshot;
}

/**
 * Writes snapshot `s` into `v`, a new instance's buffer (its flags all clear); the caller then
 * opens the live bucket, whose bars follow from the ring and the thresholds written here.
 */
export function restoreRateWindows(v: DataView, s: RateWindowsSnapshot, bucketMs: number): void {
  s.data.forEach((x, i) => v.setFloat32(i * F32, x, LE));
  v.setUint8(POS, s.pos);
  const { short, long } = windowBuckets(bucketMs);
  const inf = Number.POSITIVE_INFINITY;
  writeThresholds(v, {
    perBucket: s.th.perBucket,
    // Snapshots from before neighbourNoise: one expectation for both.
    cusumPerBucket: s.th.cusumPerBucket ?? s.th.perBucket,
    dispersion: s.th.dispersion,
    short: s.th.short ?? inf,
    long: s.th.long ?? inf,
    shortBuckets: short,
    longBuckets: long,
    liveMin: s.th.liveMin,
  });
  let flags = 0;
  for (const [key, f] of SCALAR_ENTRIES) {
    if ('at' in f) v.setFloat64(f.at, s[key] as number, LE);
    else if (s[key]) flags |= f.bit;
  }
  v.setUint8(FLAGS, flags);
}
