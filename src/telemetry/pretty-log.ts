/**
 * A readable rendering of pino's JSON lines for a person at a terminal:
 *
 *   16:04:05.123 INFO  partitions assigned partitions=[0,1] restoring=[0]
 *
 * A dozen lines instead of pino-pretty (and its dependencies) in the runtime image. It formats
 * what pino has already serialized, so secrets are redacted before they get here.
 */

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[90m' },
  30: { name: 'INFO', color: '\x1b[32m' },
  40: { name: 'WARN', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[1;41;97m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
/** pino's own fields, shown in the line's prefix or not at all. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** One JSON log line as one readable line (with a trailing newline); anything not JSON passes through. */
export function prettyLogLine(line: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[Number(entry['level'])] ?? { name: String(entry['level'] ?? 'LOG'), color: '' };
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 23) : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const name = level.name.padEnd(5);
  const head = color ? `${DIM}${time}${RESET} ${level.color}${name}${RESET}` : `${time} ${name}`;
  const msg = String(entry['msg'] ?? '');
  return `${head} ${msg}${fields ? ` ${color ? DIM : ''}${fields}${color ? RESET : ''}` : ''}\n`;
}

/** A pino destination that writes readable lines to `out` (a terminal). */
export function prettyDestination(out: NodeJS.WritableStream, color: boolean): { write(line: string): void } {
  return { write: (line) => void out.write(prettyLogLine(line, color)) };
}
