import { type Alert } from '../core/alerts/alert.js';

/** Where alerts go. `write` may buffer; `close` flushes and releases. */
export interface AlertSink {
  readonly name: string;
  write(alert: Alert): void | Promise<void>;
  close(): Promise<void>;
}
