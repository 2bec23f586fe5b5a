import { type Alert } from '../core/alerts/alert.js';
import { type AlertSink } from './alert-sink.js';

const COLORS: Record<string, string> = { low: '\x1b[36m', medium: '\x1b[33m', high: '\x1b[31m', critical: '\x1b[1;41;97m' };
const RESET = '\x1b[0m';

/** One readable line per alert, for a person at a terminal (`npm start`, `replay --print`). */
export class ConsoleSink implements AlertSink {
  readonly name = 'console';

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = Boolean((out as NodeJS.WriteStream).isTTY) && !process.env['NO_COLOR'],
  ) {}

  write(alert: Alert): void {
    const sev = alert.severity.toUpperCase().padEnd(8);
    const tag = this.color ? `${COLORS[alert.severity] ?? ''}${sev}${RESET}` : sev;
    this.out.write(`${alert.time.replace('.000Z', 'Z')}  ${tag} ${alert.detector.padEnd(22)} ${alert.summary}\n`);
  }

  async close(): Promise<void> {}
}
