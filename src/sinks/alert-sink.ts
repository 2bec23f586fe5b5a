import type { Alert } from '../core/alerts/alert.js';

/** Where alerts go. `write` may buffer; `close` flushes and releases. */
export interface AlertSink {
  readonly name: string;
  /** The sink reports its deliveries to the metrics itself (when acknowledged, not when written). */
  readonly countsDeliveries?: boolean;
  write(alert: Alert): void | Promise<void>;
  close(): Promise<void>;
}
