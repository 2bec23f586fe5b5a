/**
 * Every failure agentwatch reports, in one place (issue 18, item 3): one class per failure, each
 * with a stable `code` that tooling can match on and the underlying `cause` when there is one.
 * `ERROR_CATALOG` says what each code means and what to do; docs/errors.md is rendered from it
 * (`npm run docs`, checked by test/scripts/error-docs.test.ts). Nothing else is thrown across a
 * module boundary: a `RangeError` or `TypeError` reaching the CLI is a bug, reported as one.
 */
export const ErrorCode = {
  InvalidConfig: 'AW_INVALID_CONFIG',
  InvalidBaselines: 'AW_INVALID_BASELINES',
  InvalidTimezone: 'AW_INVALID_TIMEZONE',
  InputNotFound: 'AW_INPUT_NOT_FOUND',
  FileRead: 'AW_FILE_READ',
  FileWrite: 'AW_FILE_WRITE',
  InvalidInput: 'AW_INVALID_INPUT',
  InvalidSnapshot: 'AW_INVALID_SNAPSHOT',
  InvalidVerdict: 'AW_INVALID_VERDICT',
  InvalidEvent: 'AW_INVALID_EVENT',
  KafkaUnavailable: 'AW_KAFKA_UNAVAILABLE',
  Changelog: 'AW_CHANGELOG',
  ConsumerCrashed: 'AW_CONSUMER_CRASHED',
  MetricsListen: 'AW_METRICS_LISTEN',
  QueueInUse: 'AW_QUEUE_IN_USE',
  QueueClosed: 'AW_QUEUE_CLOSED',
  Delivery: 'AW_DELIVERY',
  WebhookSignature: 'AW_WEBHOOK_SIGNATURE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What a code means and what to do about it: the rows of docs/errors.md. */
export const ERROR_CATALOG: Readonly<Record<ErrorCode, { readonly meaning: string; readonly fix: string }>> = {
  AW_INVALID_CONFIG: {
    meaning: 'the configuration file or an option value is invalid: each problem is named with file, line and key, or the option and the value expected',
    fix: 'fix the key ([configuration.md](configuration.md)) or the option (`--help`)',
  },
  AW_INVALID_BASELINES: {
    meaning: 'a declared baselines file does not match its schema (`schemas/baselines.schema.json`) or cannot be read',
    fix: 'fix the file and line named ([baselines.md](baselines.md))',
  },
  AW_INVALID_TIMEZONE: { meaning: 'a baselines file names a time zone that does not exist', fix: 'use an IANA name, e.g. `Europe/London`' },
  AW_INPUT_NOT_FOUND: { meaning: 'an input file, agent or topic does not exist', fix: 'check the name; `inspect` suggests close agent ids' },
  AW_FILE_READ: {
    meaning: 'a file exists but cannot be read (permissions, a folder where a file goes, a truncated or corrupt compressed file)',
    fix: "the line names the path and the system's reason",
  },
  AW_FILE_WRITE: {
    meaning: 'an output cannot be written (a folder where a file goes, a file where a folder goes, permissions, a full disk)',
    fix: 'the line names the option and the path; `-` means standard output where a command allows it',
  },
  AW_INVALID_INPUT: {
    meaning:
      'a file of the wrong kind (alerts given as events, events as alerts, labels as alerts) or a line that is not JSON in an alerts, labels or verdicts file',
    fix: 'the line names the file, the kind it holds and the kind expected',
  },
  AW_INVALID_SNAPSHOT: {
    meaning:
      'a saved state (`--state`) is not one, was written by an incompatible version, has a missing or mistyped field (the message names the JSON path, e.g. `/engine/agents/3/bucket/count`), or decompresses past 512 MiB',
    fix: 'replay again with `--save-state`',
  },
  AW_INVALID_VERDICT: {
    meaning: 'a verdict (`feedback`) is incomplete or malformed',
    fix: 'say `--normal` or `--confirmed`; a verdicts file holds `{"alertId", "verdict"}` lines',
  },
  AW_INVALID_EVENT: {
    meaning: 'an event is invalid: never an exit, the event goes to the rejects file or dead-letter topic with its reason',
    fix: 'see [events.md](events.md)',
  },
  AW_KAFKA_UNAVAILABLE: {
    meaning: 'the Kafka brokers cannot be reached or refuse the client (the brokers are named, with a hint)',
    fix: 'check `kafka.brokers` / `KAFKA_BROKERS`, TLS and SASL ([operations.md](operations.md))',
  },
  AW_CHANGELOG: {
    meaning:
      "`run` could not write the agents' baselines to the changelog topic at shutdown (the broker refused or was gone): the process exits non-zero; a restarted instance re-reads from the last committed offset",
    fix: "check the broker and the changelog topic's `max.message.bytes` ([RELIABILITY.md](../RELIABILITY.md))",
  },
  AW_CONSUMER_CRASHED: {
    meaning:
      "`run`'s Kafka consumer stopped for good (the broker gone longer than `kafka.retry` allows, a fatal error): the process saves what it can and exits non-zero, to be restarted by its orchestrator",
    fix: 'restart it (it resumes from the committed offsets and the changelog); see [operations.md](operations.md)',
  },
  AW_METRICS_LISTEN: {
    meaning: 'the metrics endpoint cannot listen on its address (the port is taken, or a non-loopback address without a token)',
    fix: 'choose another `metrics.port`, or set `metrics.token`',
  },
  AW_QUEUE_IN_USE: { meaning: 'another agentwatch instance holds the alert queue folder', fix: 'give each instance its own `alerts.queue.dir`' },
  AW_QUEUE_CLOSED: {
    meaning: 'an alert reached a sink queue that is shutting down: it stays in the durable queue for the next start, never lost',
    fix: 'none: reported at shutdown only',
  },
  AW_DELIVERY: { meaning: 'an alert could not be delivered to a sink: it is retried from the queue, never an exit', fix: 'see [alerts.md](alerts.md)' },
  AW_WEBHOOK_SIGNATURE: {
    meaning: "(receivers' side) a webhook's signature does not verify, or a webhook secret is malformed",
    fix: 'check the shared secret (`whsec_` + base64 of at least 16 bytes)',
  },
};

type ErrorOptions = { cause?: unknown };

export class AgentwatchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Declares a failure: a subclass fixed to one code (the constructor takes the message and options). */
function failure(code: ErrorCode) {
  return class extends AgentwatchError {
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  };
}

export class InvalidConfigError extends failure(ErrorCode.InvalidConfig) {}
export class InvalidBaselinesError extends failure(ErrorCode.InvalidBaselines) {}
export class InvalidTimezoneError extends failure(ErrorCode.InvalidTimezone) {}
export class InputNotFoundError extends failure(ErrorCode.InputNotFound) {}
export class FileReadError extends failure(ErrorCode.FileRead) {}
export class FileWriteError extends failure(ErrorCode.FileWrite) {}
export class InvalidInputError extends failure(ErrorCode.InvalidInput) {}
export class InvalidSnapshotError extends failure(ErrorCode.InvalidSnapshot) {}
export class InvalidVerdictError extends failure(ErrorCode.InvalidVerdict) {}
export class KafkaUnavailableError extends failure(ErrorCode.KafkaUnavailable) {}
export class ChangelogWriteError extends failure(ErrorCode.Changelog) {}
export class ConsumerCrashedError extends failure(ErrorCode.ConsumerCrashed) {}
export class MetricsServerError extends failure(ErrorCode.MetricsListen) {}
export class QueueInUseError extends failure(ErrorCode.QueueInUse) {}
export class QueueClosedError extends failure(ErrorCode.QueueClosed) {}
export class WebhookVerificationError extends failure(ErrorCode.WebhookSignature) {}

export const RejectReason = {
  TooLarge: 'too_large',
  NotJson: 'not_json',
  Schema: 'schema',
  BadTime: 'bad_time',
  /** A record of a recognised foreign format (CloudTrail, Entra…) that its adapter cannot map. */
  Unmapped: 'unmapped',
  /** Valid JSON that no known log format (native or adapter) recognises. */
  UnknownFormat: 'unknown_format',
  /** A time outside the window around the stream's watermark (and, live, the wall clock): never moves a clock. */
  TimeOutOfRange: 'time_out_of_range',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export class InvalidEventError extends AgentwatchError {
  /** Short machine-readable reason, used as a bounded metric label (never the raw input). */
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string, options?: ErrorOptions) {
    super(ErrorCode.InvalidEvent, message, options);
    this.reason = reason;
  }
}

export interface DeliveryErrorOptions {
  /** Whether another attempt may succeed (a timeout, a 5xx, a 429) or not (a 4xx: the alert is dropped). */
  retryable: boolean;
  /** The sink's configuration cannot work (e.g. a 401): stop sending to it. */
  disable?: boolean;
  /** The receiver asked to wait this long (a `Retry-After`). */
  retryAfterMs?: number;
  status?: number;
  cause?: unknown;
}

export class DeliveryError extends AgentwatchError {
  readonly retryable: boolean;
  readonly disable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(message: string, opts: DeliveryErrorOptions) {
    super(ErrorCode.Delivery, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryable = opts.retryable;
    this.disable = opts.disable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
  }
}

/** The message of whatever was thrown (an Error's, or its string form). */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * "cannot read <what> <file>: <reason>", the one wording for an input that cannot be opened:
 * a missing file is AW_INPUT_NOT_FOUND, anything else (permissions, a folder) AW_FILE_READ.
 */
export function cannotRead(what: string, file: string, cause: unknown): AgentwatchError {
  const message = `cannot read ${what} ${file}: ${messageOf(cause)}`;
  return (cause as { code?: unknown } | null)?.code === 'ENOENT' ? new InputNotFoundError(message, { cause }) : new FileReadError(message, { cause });
}

/** "cannot write <what> <file>: <reason>". */
export function cannotWrite(what: string, file: string, cause: unknown): FileWriteError {
  return new FileWriteError(`cannot write ${what} ${file}: ${messageOf(cause)}`, { cause });
}

const CLASS_OF_CODE: Partial<Record<ErrorCode, new (message: string) => AgentwatchError>> = {
  AW_INVALID_CONFIG: InvalidConfigError,
  AW_INVALID_BASELINES: InvalidBaselinesError,
  AW_INVALID_TIMEZONE: InvalidTimezoneError,
  AW_INPUT_NOT_FOUND: InputNotFoundError,
  AW_FILE_READ: FileReadError,
  AW_FILE_WRITE: FileWriteError,
  AW_INVALID_INPUT: InvalidInputError,
  AW_INVALID_SNAPSHOT: InvalidSnapshotError,
  AW_INVALID_VERDICT: InvalidVerdictError,
  AW_KAFKA_UNAVAILABLE: KafkaUnavailableError,
  AW_CHANGELOG: ChangelogWriteError,
  AW_CONSUMER_CRASHED: ConsumerCrashedError,
  AW_METRICS_LISTEN: MetricsServerError,
  AW_QUEUE_IN_USE: QueueInUseError,
  AW_QUEUE_CLOSED: QueueClosedError,
  AW_WEBHOOK_SIGNATURE: WebhookVerificationError,
};

/** Rebuilds an error sent across a worker boundary as its code and message. */
export function errorFromCode(code: ErrorCode, message: string): AgentwatchError {
  const Class = CLASS_OF_CODE[code];
  return Class ? new Class(message) : new AgentwatchError(code, message);
}
