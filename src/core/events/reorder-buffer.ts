import type { AuditEvent } from './audit-event.js';

/**
 * Restores event-time order for events that arrive up to `latenessMs` out of order: an event is
 * released once the stream clock is `latenessMs` past it (the watermark). The clock is the
 * caller's (an {@link EventTimeGuard}'s watermark, which one agent cannot drag) or, when none is
 * given, the highest time seen. Ties keep arrival order, so the output is deterministic. Events
 * older than the watermark on arrival are released at once and counted as late: accepted, never
 * dropped.
 *
 * A sorted array rather than a heap: logs are nearly in order, so most events append in O(1) and
 * release from the front in O(1); the few out-of-order ones are binary-inserted near the tail.
 */
export class ReorderBuffer {
  private items: AuditEvent[] = [];
  private head = 0;
  /** Time of the newest buffered event (appends are O(1) at or after it). */
  private newestMs = Number.NEGATIVE_INFINITY;
  private clockMs = Number.NEGATIVE_INFINITY;
  lateEvents = 0;

  constructor(private readonly latenessMs: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** The event-time clock: everything at or before it has been released. */
  get watermarkMs(): number {
    return this.clockMs - this.latenessMs;
  }

  /** Adds an event and appends every event now released, in order, to `out`. `clockMs`: the stream clock after it. */
  push(event: AuditEvent, out: AuditEvent[], clockMs: number = event.timeMs): void {
    const t = event.timeMs;
    if (clockMs > this.clockMs) this.clockMs = clockMs;
    if (t < this.clockMs - this.latenessMs) {
      this.lateEvents++;
      out.push(event);
      return;
    }
    if (t >= this.newestMs || this.head === this.items.length) {
      this.newestMs = t;
      this.items.push(event);
    } else {
      this.insertSorted(event);
    }
    const watermark = this.clockMs - this.latenessMs;
    const items = this.items;
    let head = this.head;
    while (head < items.length && (items[head] as AuditEvent).timeMs <= watermark) out.push(items[head++] as AuditEvent);
    this.head = head;
    if (head > 4096 && head * 2 > items.length) {
      this.items = items.slice(head);
      this.head = 0;
    }
  }

  /** End of input: releases everything. */
  flush(out: AuditEvent[]): void {
    for (let i = this.head; i < this.items.length; i++) out.push(this.items[i] as AuditEvent);
    this.items = [];
    this.head = 0;
    this.newestMs = Number.NEGATIVE_INFINITY;
  }

  private insertSorted(event: AuditEvent): void {
    const items = this.items;
    // Upper bound: after every event with the same time, so ties keep arrival order.
    let lo = this.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[mid] as AuditEvent).timeMs <= event.timeMs) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, event);
  }
}
