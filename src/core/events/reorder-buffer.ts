import { type AuditEvent } from './audit-event.js';

interface Entry {
  event: AuditEvent;
  seq: number;
}

/**
 * Restores event-time order for events that arrive up to `latenessMs` out of order: an event is
 * released once the highest time seen is `latenessMs` past it (the watermark). Ties keep arrival
 * order, so the output is deterministic. Events older than the watermark on arrival are released
 * at once and counted as late: accepted, never dropped.
 */
export class ReorderBuffer {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private maxTimeMs = Number.NEGATIVE_INFINITY;
  lateEvents = 0;

  constructor(private readonly latenessMs: number) {}

  get size(): number {
    return this.heap.length;
  }

  /** The event-time clock: everything at or before it has been released. */
  get watermarkMs(): number {
    return this.maxTimeMs - this.latenessMs;
  }

  /** Adds an event and appends every event now released, in order, to `out`. */
  push(event: AuditEvent, out: AuditEvent[]): void {
    if (event.timeMs > this.maxTimeMs) this.maxTimeMs = event.timeMs;
    if (event.timeMs < this.watermarkMs) {
      this.lateEvents++;
      out.push(event);
      return;
    }
    this.insert({ event, seq: this.seq++ });
    const watermark = this.watermarkMs;
    while (this.heap.length > 0 && (this.heap[0] as Entry).event.timeMs <= watermark) out.push(this.pop());
  }

  /** End of input: releases everything. */
  flush(out: AuditEvent[]): void {
    while (this.heap.length > 0) out.push(this.pop());
  }

  private less(a: Entry, b: Entry): boolean {
    return a.event.timeMs < b.event.timeMs || (a.event.timeMs === b.event.timeMs && a.seq < b.seq);
  }

  private insert(entry: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(entry, h[parent] as Entry)) break;
      h[i] = h[parent] as Entry;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): AuditEvent {
    const h = this.heap;
    const top = h[0] as Entry;
    const last = h.pop() as Entry;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.less(h[r] as Entry, h[l] as Entry) ? r : l;
        if (!this.less(h[c] as Entry, last)) break;
        h[i] = h[c] as Entry;
        i = c;
      }
      h[i] = last;
    }
    return top.event;
  }
}
