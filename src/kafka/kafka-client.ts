import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type LogEntry, type logCreator, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/kafka-config-schema.js';
import { kafkaSecurityWarnings } from '../config/kafka-security.js';
import { InvalidConfigError, KafkaUnavailableError } from '../core/errors.js';

/**
 * The brokers could not be reached (or kept failing) within the bounded retries. The user's to
 * fix (address, TLS, credentials, broker down): the CLI prints one line and exits 2.
 */
export { KafkaUnavailableError } from '../core/errors.js';

export interface KafkaClientOptions {
  /** Overrides `kafka.clientId` (e.g. `agentwatch-produce`). */
  clientId?: string;
  /** kafkajs retry policy; bounded by default (about 10 s of back-off in all). */
  retry?: RetryOptions;
  /** Long-running services: kafkajs entries become records of this logger (at their mapped level). */
  logger?: Logger;
  /** Otherwise readable lines on this stream (default: stderr), warn and more severe. */
  stream?: NodeJS.WritableStream;
  /** Least severe entry kafkajs produces (default WARN; INFO when the logger shows debug). */
  level?: logLevel;
  /** Messages not to print, known to be expected by the caller. */
  quiet?: readonly RegExp[];
  /** Called for every failed producer send attempt kafkajs logs (it retries them; for metrics). */
  onProducerRetry?: () => void;
}

/** Default retry policy: 5 retries, 300 ms doubling to at most 3 s: a dead broker fails in seconds, not forever. */
export const DEFAULT_KAFKA_RETRY: RetryOptions = { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 };

// kafkajs warns once per process about its v2 default partitioner. Every producer here passes
// createPartitioner, so the warning names nothing a user could change; it is silenced for any
// producer added later too (kafkajs reads the variable when the first producer is created).
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';

/** pino's level names for kafkajs's: what a log line or collector shows. */
export type KafkaLogLevel = 'debug' | 'info' | 'warn' | 'error';

const FROM_KAFKAJS: Partial<Record<logLevel, KafkaLogLevel>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};
const SEVERITY: Record<KafkaLogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/**
 * Errors kafkajs logs at ERROR and then retries by itself: a broker that has just started, a
 * fresh topic whose leader is being elected, a group coordinator loading its log. They are the
 * normal first seconds of a run; when they outlast the retries, the caller's own error says so.
 */
const TRANSIENT = [
  /coordinator is loading/i,
  /coordinator is not available/i,
  /not the (correct )?coordinator/i,
  /not the leader/i,
  /no leader for this topic-partition/i,
  /leadership election/i,
  /does not host this topic-partition/i,
  /group is rebalancing/i,
  /rebalance in progress/i,
];

/** The pino level of one kafkajs entry: its own, except that retried start-up errors are debug. */
export function kafkaLogLevel(level: logLevel, message: string, error?: unknown): KafkaLogLevel | undefined {
  const mapped = FROM_KAFKAJS[level];
  if (mapped === 'error' || mapped === 'warn') {
    const text = `${message} ${typeof error === 'string' ? error : ''}`;
    if (TRANSIENT.some((re) => re.test(text))) return 'debug';
  }
  return mapped;
}

/** Fields of a kafkajs log entry worth printing; everything else (requests, payloads, SASL state) is left out. */
const LOGGED_FIELDS = ['broker', 'clientId', 'groupId', 'topic', 'partition', 'error', 'retryCount', 'retryTime'] as const;

/** Where kafkajs entries end up: a pino logger (services), or readable lines on a stream (one-shot commands). */
export type KafkaLogSink = { logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> } | { stream: NodeJS.WritableStream; minLevel?: KafkaLogLevel };

/**
 * A kafkajs logCreator: each entry gets a pino level (kafkaLogLevel), keeps a whitelist of fields,
 * has every secret masked, and each distinct message is written once a minute at most (a broker
 * that is down makes kafkajs repeat itself on every retry). With a logger, entries become
 * structured records `{ kafka: namespace, ...fields }`; with a stream, one line each, at minLevel
 * (default warn) or more severe.
 */
export function kafkaLogCreator(
  sink: KafkaLogSink | NodeJS.WritableStream = process.stderr,
  secrets: readonly string[] = [],
  quiet: readonly RegExp[] = [],
  onProducerRetry?: () => void,
): logCreator {
  const to: KafkaLogSink = typeof (sink as NodeJS.WritableStream).write === 'function' ? { stream: sink as NodeJS.WritableStream } : (sink as KafkaLogSink);
  const masked = secrets.filter((s) => s.length > 0);
  const mask = (text: string): string => masked.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  const lastPrinted = new Map<string, number>();
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (level === logLevel.NOTHING) return;
      const entry = log as Record<string, unknown> & { message?: unknown };
      // kafkajs reports retries only in its logs: a producer send attempt that failed logs an
      // error with its retryCount (before any filter below, so each one counts).
      if (onProducerRetry && namespace === 'Producer' && level === logLevel.ERROR && entry['retryCount'] !== undefined) onProducerRetry();
      const message = mask(String(entry.message ?? ''));
      const pinoLevel = kafkaLogLevel(level, message, entry['error']);
      if (pinoLevel === undefined) return;
      if ('stream' in to && SEVERITY[pinoLevel] < SEVERITY[to.minLevel ?? 'warn']) return;
      if (quiet.some((re) => re.test(message))) return;
      const key = `${level} ${namespace} ${message} ${String(entry['broker'] ?? '')}`;
      const now = Date.now();
      const last = lastPrinted.get(key);
      if (last !== undefined && now - last < 60_000) return;
      if (lastPrinted.size > 1000) lastPrinted.clear();
      lastPrinted.set(key, now);
      const fields: Record<string, string | number> = {};
      for (const f of LOGGED_FIELDS) {
        const v = entry[f];
        if (v === undefined || v === null) continue;
        fields[f] = typeof v === 'number' ? v : mask(String(v));
      }
      if ('logger' in to) {
        to.logger[pinoLevel]({ kafka: namespace, ...fields }, message);
        return;
      }
      const shown = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
      to.stream.write(`agentwatch: kafka ${pinoLevel} [${namespace}] ${message}${shown.length ? ` (${shown.join(', ')})` : ''}\n`);
    };
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new InvalidConfigError(`cannot read the Kafka TLS ${what} file ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** kafkajs `ssl` from the config: false when TLS is off, else the CA bundle, client certificate and key read from their files. */
export function kafkaSslOptions(ssl: KafkaConfig['ssl']): ConnectionOptions | false {
  if (!ssl.enabled) return false;
  return {
    rejectUnauthorized: ssl.rejectUnauthorized,
    ...(ssl.caFile && { ca: [readPem(ssl.caFile, 'CA')] }),
    ...(ssl.certFile && { cert: readPem(ssl.certFile, 'certificate') }),
    ...(ssl.keyFile && { key: readPem(ssl.keyFile, 'key') }),
  };
}

function kafkaSaslOptions(sasl: NonNullable<KafkaConfig['sasl']>): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}

/**
 * The one place a kafkajs client is built from the `kafka` config section: brokers, client id,
 * TLS, SASL, connection timeout, a bounded retry policy and logs (through pino, or lines on
 * stderr) that never show the SASL password.
 */
export function createKafka(config: KafkaConfig, opts: KafkaClientOptions = {}): Kafka {
  const ssl = kafkaSslOptions(config.ssl);
  // Every Kafka command warns once about credentials sent in the clear (issue 13).
  for (const w of kafkaSecurityWarnings(config)) {
    if (opts.logger) opts.logger.warn(w);
    else (opts.stream ?? process.stderr).write(`agentwatch: warning: ${w}\n`);
  }
  // kafkajs's INFO (joins, assignments) is what `AGENTWATCH_LOG_LEVEL=debug` is asked for; its
  // DEBUG is a dump of every request, never wanted by default.
  const level = opts.level ?? (opts.logger?.isLevelEnabled('debug') ? logLevel.INFO : logLevel.WARN);
  const sink: KafkaLogSink = opts.logger ? { logger: opts.logger } : { stream: opts.stream ?? process.stderr };
  return new Kafka({
    clientId: opts.clientId ?? config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    retry: opts.retry ?? DEFAULT_KAFKA_RETRY,
    logLevel: level,
    logCreator: kafkaLogCreator(sink, config.sasl ? [config.sasl.password] : [], opts.quiet, opts.onProducerRetry),
    ...(ssl && { ssl }),
    ...(config.sasl && { sasl: kafkaSaslOptions(config.sasl) }),
  });
}

/**
 * Wraps a kafkajs failure as a KafkaUnavailableError naming the brokers (never the credentials),
 * with a hint that fits the cause (issue 12: "not the leader" was blamed on the broker address).
 */
export function kafkaUnavailable(config: KafkaConfig, err: unknown, doing = 'connect to'): KafkaUnavailableError {
  const reason = err instanceof Error ? err.message : String(err);
  return new KafkaUnavailableError(`cannot ${doing} Kafka at ${config.brokers.join(',')}: ${reason} (${hintFor(err)})`, { cause: err });
}

function hintFor(err: unknown): string {
  const chain: { name?: unknown; type?: unknown }[] = [];
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 4; i++) {
    chain.push(e as { name?: unknown; type?: unknown });
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  const types = chain.map((e) => e.type).filter((t): t is string => typeof t === 'string');
  const names = chain.map((e) => e.name).filter((n): n is string => typeof n === 'string');
  if (types.some((t) => t.includes('SASL') || t.includes('AUTHENTICATION'))) return 'check kafka.sasl: the credentials were refused';
  if (types.some((t) => t.includes('AUTHORIZATION'))) return 'the credentials lack an ACL for this topic or group';
  if (types.some((t) => t.includes('LEADER') || t.includes('COORDINATOR') || t === 'UNKNOWN_TOPIC_OR_PARTITION')) {
    return 'the broker answered but was not ready (leaders or the group coordinator still moving); it kept saying so past the retries: check the broker’s health';
  }
  if (names.some((n) => n === 'KafkaJSConnectionError' || n === 'KafkaJSBrokerNotFound' || n === 'KafkaJSConnectionClosedError')) {
    return 'no broker answered: check kafka.brokers or AGENTWATCH_KAFKA_BROKERS, that the broker runs, and TLS/SASL settings';
  }
  return 'check kafka.brokers or AGENTWATCH_KAFKA_BROKERS, and TLS/SASL settings';
}
