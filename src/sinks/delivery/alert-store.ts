import type { Alert } from '../../core/alerts/alert.js';

/** One alert waiting for its sink, as stored (the position is the store's own business). */
export interface QueuedAlert {
  readonly alert: Alert;
  /** Wall clock when it was queued (oldest-queued-age metric). */
  readonly queuedAtMs: number;
  /** Size of its stored line, counted against alerts.queue.maxBytes. */
  readonly bytes: number;
}

/**
 * The alerts of one sink not yet delivered, oldest first: on disk (AlertSpool) or in memory.
 * Single consumer: `head` and `remove` are called by the delivery loop only.
 */
export interface AlertStore {
  readonly count: number;
  readonly bytes: number;
  /** Adds alerts after the others; resolves once they are durable (on disk: fsync'd). */
  append(alerts: readonly Alert[], queuedAtMs: number): Promise<void>;
  /** The oldest alert, or undefined when there is none. */
  head(): Promise<QueuedAlert | undefined>;
  /** Removes the head (delivered, or set aside). */
  remove(item: QueuedAlert): Promise<void>;
  /** Keeps an alert that failed for good where an operator can find it (then `remove` it). */
  setAside(item: QueuedAlert, reason: string): Promise<void>;
  oldestQueuedAtMs(): number | undefined;
  /** Whether what is queued survives the process. */
  readonly persistent: boolean;
  /** Where set-aside alerts go, for messages (undefined in memory). */
  readonly setAsidePath: string | undefined;
  close(): Promise<void>;
}

/** The line stored for one alert (also what its size is measured on). */
export function spoolLine(alert: Alert, queuedAtMs: number): string {
  return `${JSON.stringify({ queuedAt: queuedAtMs, alert })}\n`;
}

/** `alerts.queue.persist: false`: the same queue, lost when the process dies. */
export class MemoryAlertStore implements AlertStore {
  private readonly items: QueuedAlert[] = [];
  private start = 0;
  count = 0;
  bytes = 0;
  readonly persistent = false;
  readonly setAsidePath = undefined;

  async append(alerts: readonly Alert[], queuedAtMs: number): Promise<void> {
    for (const alert of alerts) {
      const bytes = Buffer.byteLength(spoolLine(alert, queuedAtMs));
      this.items.push({ alert, queuedAtMs, bytes });
      this.count++;
      this.bytes += bytes;
    }
  }

  async head(): Promise<QueuedAlert | undefined> {
    return this.items[this.start];
  }

  async remove(item: QueuedAlert): Promise<void> {
    if (this.items[this.start] !== item) return;
    this.start++;
    this.count--;
    this.bytes -= item.bytes;
    // Compact now and then instead of shifting an array of thousands on every delivery.
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items.splice(0, this.start);
      this.start = 0;
    }
  }

  async setAside(): Promise<void> {}

  oldestQueuedAtMs(): number | undefined {
    return this.items[this.start]?.queuedAtMs;
  }

  async close(): Promise<void> {}
}
