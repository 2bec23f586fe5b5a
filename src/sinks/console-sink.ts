import { type Alert } from '../core/alerts/alert.js';
import { type AlertSink } from './alert-sink.js';

const COLORS: Record<string, string> = { low: '\x1b[36m', medium: '\x1b[33m', high: '\x1b[31m', critical: '\x1b[1;41;97m', resolved: '\x1b[32m' };
const RESET = '\x1b[0m';

/** One readable line per alert, for a person at a terminal (`npm start`, `replay --print`). */
export class ConsoleSink implements AlertSink {
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = Boolean((out as NodeJS.WriteStream).isTTY) && !process.env['NO_COLOR'],
    readonly name = 'console',
  ) {}

  write(alert: Alert): void {
    const time = alert.time.replace('.000Z', 'Z');
    const ep = alert.episode;
    if (alert.status === 'resolved' && ep) {
      // One short line: the opening line above already told the story.
      const why = ep.resolution === 'normal' ? 'marked normal by an analyst' : `quiet since ${ep.lastTime.replace('.000Z', 'Z')}`;
      this.out.write(`${time}  ${this.paint('resolved', 'RESOLVED')} ${alert.detector.padEnd(22)} ${alert.agentId}: ${ep.count} trigger${ep.count === 1 ? '' : 's'} since ${ep.firstTime.replace('.000Z', 'Z')}, ${why}\n`);
      return;
    }
    const sev = alert.severity.toUpperCase().padEnd(8);
    const prefix = alert.status === 'update' ? `update #${ep?.revision ?? '?'}: ` : '';
    this.out.write(`${time}  ${this.paint(alert.severity, sev)} ${alert.detector.padEnd(22)} ${prefix}${alert.summary}\n`);
  }

  private paint(kind: string, text: string): string {
    return this.color ? `${COLORS[kind] ?? ''}${text.padEnd(8)}${RESET}` : text.padEnd(8);
  }

  async close(): Promise<void> {}
}
