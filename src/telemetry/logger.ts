import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs on stderr (stdout stays for alerts and command output). Secrets are
 * redacted by path wherever they could appear.
 */
export function createLogger(level = process.env['AGENTWATCH_LOG_LEVEL'] ?? 'info'): Logger {
  return pino(
    {
      name: 'agentwatch',
      level,
      redact: { paths: ['password', '*.password', '*.*.password', 'sasl', '*.sasl', 'authorization', '*.authorization', 'token', '*.token'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

/** The two-method log interface the pipeline uses, over pino. */
export function pipelineLog(logger: Logger): { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void } {
  return {
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
  };
}
