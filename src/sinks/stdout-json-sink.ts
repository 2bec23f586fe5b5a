import type { Alert } from '../core/alerts/alert.js';
import type { AlertSink } from './alert-sink.js';

/** One alert object per line on stdout (a container's log shipper picks them up). */
export class StdoutJsonSink implements AlertSink {
  constructor(
    readonly name: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  write(alert: Alert): void | Promise<void> {
    if (!this.out.write(`${JSON.stringify(alert)}\n`)) return new Promise((resolve) => this.out.once('drain', resolve));
  }

  async close(): Promise<void> {}
}
