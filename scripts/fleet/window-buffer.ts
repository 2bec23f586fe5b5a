import { type GenEvent } from './types.js';

export interface EventSink {
  push(e: GenEvent): void;
}

const MINUTE_MS = 60_000;

/**
 * Collects one UTC day of events in per-minute buckets, so putting the day in time order is many
 * tiny sorts instead of one big one; events past the day are kept for the next.
 */
export class DayBuffer implements EventSink {
  private readonly buckets: GenEvent[][] = Array.from({ length: 1440 }, () => []);
  later: GenEvent[] = [];
  private dayStart = 0;

  /** Starts a new day, taking over what earlier days left for it. */
  begin(dayStart: number): void {
    this.dayStart = dayStart;
    const carried = this.later;
    this.later = [];
    for (const e of carried) this.push(e);
  }

  push(e: GenEvent): void {
    const m = Math.floor((e.t - this.dayStart) / MINUTE_MS);
    if (m >= 1440) this.later.push(e);
    else (this.buckets[m < 0 ? 0 : m] as GenEvent[]).push(e);
  }

  /** The day in time order (stable: ties keep insertion order), emptying the buckets. */
  drainSorted(): GenEvent[] {
    const out: GenEvent[] = [];
    for (const b of this.buckets) {
      const n = b.length;
      if (n === 0) continue;
      if (n > 32) b.sort(byTime);
      else {
        for (let i = 1; i < n; i++) {
          const e = b[i] as GenEvent;
          let j = i - 1;
          while (j >= 0 && (b[j] as GenEvent).t > e.t) {
            b[j + 1] = b[j] as GenEvent;
            j--;
          }
          b[j + 1] = e;
        }
      }
      for (let i = 0; i < n; i++) out.push(b[i] as GenEvent);
      b.length = 0;
    }
    return out;
  }

  /** Whatever is left after the last day, in time order. */
  drainLater(): GenEvent[] {
    const rest = this.later.sort(byTime);
    this.later = [];
    return rest;
  }
}

function byTime(a: GenEvent, b: GenEvent): number {
  return a.t - b.t;
}
