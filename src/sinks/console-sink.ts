import type { Alert } from '../core/alerts/alert.js';
import { escapeControls } from '../core/escape-controls.js';
import type { AlertSink } from './alert-sink.js';

const COLORS: Record<string, string> = { low: '\x1b[36m', medium: '\x1b[33m', high: '\x1b[31m', critical: '\x1b[1;41;97m', resolved: '\x1b[32m' };
const RESET = '\x1b[0m';

export interface ConsoleSinkOptions {
  /** Only the opening line of each incident (its updates and resolution are in the alerts file). */
  fold?: boolean;
  /** Cut each line to this many columns. Absent: whole lines (a log, where nothing may be lost). */
  columns?: number;
  /** Rewrites the summary for the screen (e.g. shorter ids); the alert itself is untouched. */
  shorten?: (text: string) => string;
}

/** One readable line per alert, for a person at a terminal (`npm start`, `replay --print`). */
export class ConsoleSink implements AlertSink {
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = Boolean((out as NodeJS.WriteStream).isTTY) && !process.env['NO_COLOR'],
    readonly name = 'console',
    private readonly options: ConsoleSinkOptions = {},
  ) {}

  write(alert: Alert): void {
    if (this.options.fold && (alert.status === 'update' || alert.status === 'resolved')) return;
    const short = this.options.shorten ?? ((t: string) => t);
    // Minutes are enough to place an incident; the full time is in the alert.
    const time = this.options.columns ? alert.time.slice(0, 16).replace('T', ' ') : alert.time.replace('.000Z', 'Z');
    const ep = alert.episode;
    let kind: string;
    let label: string;
    let text: string;
    if (alert.status === 'resolved' && ep) {
      // One short line: the opening line above already told the story.
      const at = (iso: string) => (this.options.columns ? iso.slice(0, 16).replace('T', ' ') : iso.replace('.000Z', 'Z'));
      const first = at(ep.firstTime);
      const last = at(ep.lastTime);
      // The same day is not repeated: `from 2026-03-02 10:01 to 10:05`.
      const to = last.slice(0, 10) === first.slice(0, 10) ? last.slice(11) : last;
      const span = ep.count === 1 ? `1 trigger at ${first}` : `${ep.count} triggers from ${first} to ${to}`;
      kind = 'resolved';
      label = 'RESOLVED';
      text = `${short(alert.agentId)}: ${span}, ${ep.resolution === 'normal' ? 'marked normal by an analyst' : 'then quiet'}`;
    } else {
      kind = alert.severity;
      label = alert.severity.toUpperCase();
      text = `${alert.status === 'update' ? `update #${ep?.revision ?? '?'}: ` : ''}${short(alert.summary)}`;
    }
    // Agent ids and summaries carry event text: an OSC or CSI sequence in an agent id would set
    // the window title or overwrite the line, a CR or LF would forge a line of its own.
    const plain = `${time}  ${label.padEnd(8)} ${alert.detector.padEnd(22)} ${escapeControls(text)}`;
    const line =
      this.options.columns && [...plain].length > this.options.columns
        ? `${[...plain]
            .slice(0, this.options.columns - 1)
            .join('')
            .trimEnd()}…`
        : plain;
    // Colour is added after fitting, so escape codes never count as columns.
    this.out.write(`${this.color ? line.replace(label.padEnd(8), `${COLORS[kind] ?? ''}${label.padEnd(8)}${RESET}`) : line}\n`);
  }

  async close(): Promise<void> {}
}
