import type { GenEvent } from './types.js';

export interface EventSink {
  push(e: GenEvent): void;
}

const MINUTE_MS = 60_000;

/**
 * Collects one window (an hour) of events in per-minute buckets, so putting it in time order is
 * many tiny sorts instead of one big one; events past the window are kept for the next.
 */
export class WindowBuffer implements EventSink {
  private readonly buckets: GenEvent[][];
  later: GenEvent[] = [];
  private windowStart = 0;

  constructor(private readonly minutes: number) {
    this.buckets = Array.from({ length: minutes }, () => []);
  }

  /** Starts a new window, taking over what earlier ones left for it. */
  begin(windowStart: number): void {
    this.windowStart = windowStart;
    const carried = this.later;
    this.later = [];
    for (const e of carried) this.push(e);
  }

  push(e: GenEvent): void {
    const m = Math.floor((e.t - this.windowStart) / MINUTE_MS);
    if (m >= this.minutes) this.later.push(e);
    else (this.buckets[m < 0 ? 0 : m] as GenEvent[]).push(e);
  }

  /** The window in time order (stable: ties keep insertion order), emptying the buckets. */
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
