import { readFileSync } from 'node:fs';
import { type ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type LogEntry, type logCreator, type RetryOptions, type SASLOptions } from 'kafkajs';
import { type KafkaConfig } from '../config/kafka-config-schema.js';
import { kafkaSecurityWarnings } from '../config/kafka-security.js';
import { AgentwatchError, ErrorCode, InvalidConfigError } from '../core/errors.js';

/**
 * The brokers could not be reached (or kept failing) within the bounded retries. The user's to
 * fix (address, TLS, credentials, broker down): the CLI prints one line and exits 2.
 */
export class KafkaUnavailableError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Io, message, options);
  }
}

export interface KafkaClientOptions {
  /** Overrides `kafka.clientId` (e.g. `agentwatch-produce`). */
  clientId?: string;
  /** kafkajs retry policy; bounded by default (about 10 s of back-off in all). */
  retry?: RetryOptions;
  /** Where kafkajs logs go (default: stderr). */
  stream?: NodeJS.WritableStream;
  /** Least severe kafkajs level printed (default WARN). */
  level?: logLevel;
  /** Messages not to print, known to be expected by the caller. */
  quiet?: readonly RegExp[];
  /** Called for every failed producer send attempt kafkajs logs (it retries them; for metrics). */
  onProducerRetry?: () => void;
}

/** Default retry policy: 5 retries, 300 ms doubling to at most 3 s: a dead broker fails in seconds, not forever. */
export const DEFAULT_KAFKA_RETRY: RetryOptions = { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 };

const LEVEL_NAMES: Partial<Record<logLevel, string>> = {
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
};

/** Fields of a kafkajs log entry worth printing; everything else (requests, payloads, SASL state) is left out. */
const LOGGED_FIELDS = ['broker', 'clientId', 'groupId', 'topic', 'partition', 'error', 'retryCount', 'retryTime'] as const;

/**
 * A kafkajs logCreator that writes one line per entry to `stream`, at `minLevel` or more severe,
 * with a whitelist of fields, every secret masked, and each distinct message printed once a
 * minute at most (a broker that is down makes kafkajs repeat itself on every retry).
 */
export function kafkaLogCreator(
  stream: NodeJS.WritableStream = process.stderr,
  minLevel: logLevel = logLevel.WARN,
  secrets: readonly string[] = [],
  quiet: readonly RegExp[] = [],
  onProducerRetry?: () => void,
): logCreator {
  const masked = secrets.filter((s) => s.length > 0);
  const lastPrinted = new Map<string, number>();
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (level === logLevel.NOTHING || level > minLevel) return;
      const entry = log as Record<string, unknown> & { message?: unknown };
      // kafkajs reports retries only in its logs: a producer send attempt that failed logs an
      // error with its retryCount (before the once-a-minute filter below, so each one counts).
      if (onProducerRetry && namespace === 'Producer' && level === logLevel.ERROR && entry['retryCount'] !== undefined) onProducerRetry();
      const message = String(entry.message ?? '');
      if (quiet.some((re) => re.test(message))) return;
      const key = `${level} ${namespace} ${message} ${String(entry['broker'] ?? '')}`;
      const now = Date.now();
      const last = lastPrinted.get(key);
      if (last !== undefined && now - last < 60_000) return;
      if (lastPrinted.size > 1000) lastPrinted.clear();
      lastPrinted.set(key, now);
      const fields = LOGGED_FIELDS.filter((f) => entry[f] !== undefined && entry[f] !== null).map((f) => `${f}=${String(entry[f])}`);
      let line = `agentwatch: kafka ${LEVEL_NAMES[level] ?? level} [${namespace}] ${message}${fields.length ? ` (${fields.join(', ')})` : ''}`;
      for (const secret of masked) line = line.split(secret).join('[redacted]');
      stream.write(`${line}\n`);
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
 * TLS, SASL, connection timeout, a bounded retry policy and logs on stderr that never show the
 * SASL password.
 */
export function createKafka(config: KafkaConfig, opts: KafkaClientOptions = {}): Kafka {
  const ssl = kafkaSslOptions(config.ssl);
  // Every Kafka command warns once about credentials sent in the clear (issue 13).
  for (const w of kafkaSecurityWarnings(config)) (opts.stream ?? process.stderr).write(`agentwatch: warning: ${w}\n`);
  const level = opts.level ?? logLevel.WARN;
  return new Kafka({
    clientId: opts.clientId ?? config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    retry: opts.retry ?? DEFAULT_KAFKA_RETRY,
    logLevel: level,
    logCreator: kafkaLogCreator(opts.stream ?? process.stderr, level, config.sasl ? [config.sasl.password] : [], opts.quiet, opts.onProducerRetry),
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
