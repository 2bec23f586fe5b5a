import type { Rng } from './prng.js';
import type { GenEvent } from './types.js';

/**
 * Delays a share of events in file order, the way collectors and Kafka partitions deliver them:
 * most late events by seconds, a very few by minutes. An event delayed by d is written just
 * before the first on-time event more than d after it, so its lateness is bounded by d.
 */
export class LateQueue {
  late = 0;
  veryLate = 0;
  private readonly heap: { due: number; seq: number; e: GenEvent }[] = [];
  private seq = 0;

  constructor(
    private readonly rng: Rng,
    private readonly lateFraction: number,
    private readonly veryLateFraction: number,
  ) {}

  /** Time-sorted events in, file-ordered events out (some held back for later batches). */
  process(sorted: readonly GenEvent[]): GenEvent[] {
    const out: GenEvent[] = [];
    const veryLate = this.veryLateFraction;
    const late = veryLate + this.lateFraction;
    for (const e of sorted) {
      while (this.heap.length && (this.heap[0] as { due: number }).due < e.t) out.push(this.pop());
      const r = this.rng.next();
      if (r >= late) out.push(e);
      else if (r < veryLate) {
        this.veryLate++;
        this.push(e.t + this.rng.int(120_000, 600_000), e);
      } else {
        this.late++;
        this.push(e.t + this.rng.int(1_000, 45_000), e);
      }
    }
    return out;
  }

  drain(): GenEvent[] {
    const out: GenEvent[] = [];
    while (this.heap.length) out.push(this.pop());
    return out;
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = t;
  }

  private push(due: number, e: GenEvent): void {
    this.heap.push({ due, seq: this.seq++, e });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): GenEvent {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.e;
  }
}
