import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigSchema } from '../config/config-schema.js';
import { secretPaths } from '../config/secret-fields.js';
import { prettyDestination } from './pretty-log.js';

export const LogFormat = { Json: 'json', Pretty: 'pretty', Auto: 'auto' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/**
 * Every place a secret could sit in a logged object (config, request headers, error details): the
 * fields the configuration schema marks secret, and the usual names of credentials elsewhere, at
 * any depth up to four.
 */
const SECRET_NAMES = [
  ...new Set([
    'authorization',
    'token',
    'sasl',
    ...secretPaths(ConfigSchema)
      .map((s) => s.path[s.path.length - 1] as string)
      .filter((name) => name !== '*' && name !== 'url'),
  ]),
];
const REDACTED_PATHS = SECRET_NAMES.flatMap((n) => [n, `*.${n}`, `*.*.${n}`, `*.*.*.${n}`]);

export interface LoggerOptions {
  level?: string;
  /** `json` (one object per line), `pretty` (readable), `auto` (pretty on a terminal, else JSON). */
  format?: LogFormat;
  /** Where lines go (default stderr: stdout stays for alerts and command output). */
  stream?: NodeJS.WritableStream;
}

/**
 * Structured logs: JSON lines with levels for collectors, readable lines when a person runs a
 * command at a terminal (AGENTWATCH_LOG_FORMAT, AGENTWATCH_LOG_LEVEL). Secrets are redacted by
 * path wherever they could appear, before either format is written.
 */
export function createLogger(opts: LoggerOptions | string = {}): Logger {
  const o = typeof opts === 'string' ? { level: opts } : opts;
  const level = o.level ?? process.env['AGENTWATCH_LOG_LEVEL'] ?? 'info';
  const out = o.stream ?? process.stderr;
  const format = o.format ?? (process.env['AGENTWATCH_LOG_FORMAT'] as LogFormat | undefined) ?? LogFormat.Auto;
  const tty = Boolean((out as NodeJS.WriteStream).isTTY);
  const pretty = format === LogFormat.Pretty || (format === LogFormat.Auto && tty);
  const destination: DestinationStream = pretty
    ? prettyDestination(out, tty && !process.env['NO_COLOR'])
    : out === process.stderr
      ? pino.destination(2)
      : (out as DestinationStream);
  return pino({ name: 'agentwatch', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** The two-method log interface the pipeline uses, over pino. */
export function pipelineLog(logger: Logger): {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
} {
  return {
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
  };
}
