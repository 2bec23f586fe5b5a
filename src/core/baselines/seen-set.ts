export interface SeenEntry {
  firstMs: number;
  lastMs: number;
}

const REORDER_AFTER_MS = 60_000;

/**
 * Approximate heap bytes of one remembered value beside its key's characters: the Map entry,
 * the SeenEntry object and the string header (measured with --expose-gc, Node 20). The memory
 * budget (engine.maxStateBytes) counts with it; it need not be exact, only proportional.
 */
export const SEEN_ENTRY_BYTES = 120;

const entryBytes = (key: string): number => SEEN_ENTRY_BYTES + key.length;

export type SeenSetSnapshot = [key: string, firstMs: number, lastMs: number][];

/**
 * First/last-seen times of the values an agent has used (resources, permissions, regions…),
 * bounded in size and age. The Map's insertion order is kept equal to last-seen order (touch =
 * delete + set), so eviction of the stalest value and expiry are both O(1) at the front.
 */
export class SeenSet {
  private readonly entries = new Map<string, SeenEntry>();
  /** Approximate heap bytes of the values held (see SEEN_ENTRY_BYTES). */
  bytes = 0;

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
    this.bytes += entryBytes(key);
    if (this.entries.size > this.maxEntries) this.forget(this.entries.keys().next().value as string);
    return true;
  }

  /** Forgets one value, so its next use is new again (an analyst confirmed its first use as malicious). */
  forget(key: string): boolean {
    const had = this.entries.delete(key);
    if (had) this.bytes -= entryBytes(key);
    return had;
  }

  /** Drops values not seen for `forgetAfterMs`. */
  expire(nowMs: number): void {
    for (const [key, e] of this.entries) {
      if (nowMs - e.lastMs <= this.forgetAfterMs) break;
      this.forget(key);
    }
  }

  *[Symbol.iterator](): IterableIterator<[string, SeenEntry]> {
    yield* this.entries;
  }

  snapshot(): SeenSetSnapshot {
    return [...this.entries].map(([k, e]) => [k, e.firstMs, e.lastMs]);
  }

  /** Restores into the class it is called on (a detector's state may extend SeenSet, one object instead of two). */
  static restore<T extends SeenSet>(
    this: new (maxEntries: number, forgetAfterMs: number) => T,
    s: SeenSetSnapshot,
    maxEntries: number,
    forgetAfterMs: number,
  ): T {
    const set = new this(maxEntries, forgetAfterMs);
    for (const [k, firstMs, lastMs] of s) {
      if (!set.entries.has(k)) set.bytes += entryBytes(k);
      set.entries.set(k, { firstMs, lastMs });
    }
    return set;
  }
}
