export interface SeenEntry {
  firstMs: number;
  lastMs: number;
}

const REORDER_AFTER_MS = 60_000;

export type SeenSetSnapshot = [key: string, firstMs: number, lastMs: number][];

/**
 * First/last-seen times of the values an agent has used (resources, permissions, regions…),
 * bounded in size and age. The Map's insertion order is kept equal to last-seen order (touch =
 * delete + set), so eviction of the stalest value and expiry are both O(1) at the front.
 */
export class SeenSet {
  private readonly entries = new Map<string, SeenEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly forgetAfterMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Known and not forgotten at `nowMs`. */
  has(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && nowMs - e.lastMs <= this.forgetAfterMs;
  }

  get(key: string): SeenEntry | undefined {
    return this.entries.get(key);
  }

  /** Records a use; returns true when the value was new (or forgotten). */
  touch(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (e !== undefined) {
      const forgotten = nowMs - e.lastMs > this.forgetAfterMs;
      // Re-ordering costs a delete and an insert; within a minute the order is close enough.
      if (nowMs - e.lastMs > REORDER_AFTER_MS || forgotten) {
        this.entries.delete(key);
        if (forgotten) e.firstMs = nowMs;
        e.lastMs = nowMs;
        this.entries.set(key, e);
      } else if (nowMs > e.lastMs) {
        e.lastMs = nowMs;
      }
      return forgotten;
    }
    this.entries.set(key, { firstMs: nowMs, lastMs: nowMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return true;
  }

  /** Forgets one value, so its next use is new again (an analyst confirmed its first use as malicious). */
  forget(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Drops values not seen for `forgetAfterMs`. */
  expire(nowMs: number): void {
    for (const [key, e] of this.entries) {
      if (nowMs - e.lastMs <= this.forgetAfterMs) break;
      this.entries.delete(key);
    }
  }

  *[Symbol.iterator](): IterableIterator<[string, SeenEntry]> {
    yield* this.entries;
  }

  snapshot(): SeenSetSnapshot {
    return [...this.entries].map(([k, e]) => [k, e.firstMs, e.lastMs]);
  }

  static restore(s: SeenSetSnapshot, maxEntries: number, forgetAfterMs: number): SeenSet {
    const set = new SeenSet(maxEntries, forgetAfterMs);
    for (const [k, firstMs, lastMs] of s) set.entries.set(k, { firstMs, lastMs });
    return set;
  }
}
