const WINDOW_BUCKETS = 5;

export interface ErrorWindowSnapshot {
  ring: number[];
  pos: number;
  ratio: number;
}

/**
 * Calls and suspicious errors over the last few buckets, and the agent's usual suspicious-error
 * ratio. A suspicious error is a denial, or a failure on a resource the agent has never used:
 * permission enumeration and guessing names look like that, while a provider outage or a rotated
 * credential fails the agent's usual calls. Created at an agent's first error: most never fail.
 */
export class ErrorWindow {
  /** Pairs (calls, suspicious) of the last WINDOW_BUCKETS closed buckets. */
  private ring = new Int32Array(2 * WINDOW_BUCKETS);
  private pos = 0;
  /** EWMA of the per-bucket suspicious ratio (buckets with calls only). */
  ratio = 0;

  /** A bucket closed: it enters the window, and (unless anomalous) teaches the usual ratio. */
  closeBucket(calls: number, suspicious: number, alpha: number, anomalous: boolean): void {
    this.ring[this.pos] = calls;
    this.ring[this.pos + 1] = suspicious;
    this.pos = (this.pos + 2) % this.ring.length;
    if (calls > 0 && !anomalous) this.ratio += alpha * (suspicious / calls - this.ratio);
  }

  /** Empty buckets slide the window. */
  skipBuckets(n: number): void {
    for (let i = 0; i < Math.min(n, WINDOW_BUCKETS); i++) this.closeBucket(0, 0, 0, true);
  }

  /** Totals over the window plus the bucket in progress. */
  totals(currentCalls: number, currentSuspicious: number): { calls: number; suspicious: number } {
    let calls = currentCalls;
    let suspicious = currentSuspicious;
    for (let i = 0; i < this.ring.length; i += 2) {
      calls += this.ring[i] as number;
      suspicious += this.ring[i + 1] as number;
    }
    return { calls, suspicious };
  }

  snapshot(): ErrorWindowSnapshot {
    return { ring: Array.from(this.ring), pos: this.pos, ratio: this.ratio };
  }

  static restore(s: ErrorWindowSnapshot): ErrorWindow {
    const w = new ErrorWindow();
    w.ring = Int32Array.from(s.ring);
    w.pos = s.pos;
    w.ratio = s.ratio;
    return w;
  }
}

/** Wilson score interval, lower bound (Wilson 1927): a ratio that stays honest at low counts. */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return (centre - margin) / (1 + z2 / trials);
}
