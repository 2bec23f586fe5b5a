/**
 * Every error agentwatch throws carries a stable `code` that tooling can match on, and the
 * underlying `cause` when there is one (no thrown strings anywhere).
 */
export const ErrorCode = {
  InvalidEvent: 'AW_INVALID_EVENT',
  InvalidBaselines: 'AW_INVALID_BASELINES',
  InvalidConfig: 'AW_INVALID_CONFIG',
  InvalidSnapshot: 'AW_INVALID_SNAPSHOT',
  InvalidVerdict: 'AW_INVALID_VERDICT',
  InvalidTimezone: 'AW_INVALID_TIMEZONE',
  InputNotFound: 'AW_INPUT_NOT_FOUND',
  Io: 'AW_IO',
  /** Baselines could not be written to the changelog topic (at shutdown: the process exits non-zero). */
  Changelog: 'AW_CHANGELOG',
  /** The Kafka consumer stopped for good (broker gone past the retries, a fatal error): the process exits to be restarted. */
  ConsumerCrashed: 'AW_CONSUMER_CRASHED',
  /** An alert could not be delivered to a sink (webhook, Alertmanager…): retried, or the sink disabled. */
  Delivery: 'AW_DELIVERY',
  /** A webhook whose Standard Webhooks signature does not verify (receivers' side). */
  WebhookSignature: 'AW_WEBHOOK_SIGNATURE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AgentwatchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class InvalidEventError extends AgentwatchError {
  /** Short machine-readable reason, used as a bounded metric label (never the raw input). */
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidEvent, message, options);
    this.reason = reason;
  }
}

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

export class InvalidBaselinesError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidBaselines, message, options);
  }
}

export class InvalidConfigError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidConfig, message, options);
  }
}

export class InvalidSnapshotError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidSnapshot, message, options);
  }
}

export class ChangelogWriteError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Changelog, message, options);
  }
}

export class ConsumerCrashedError extends AgentwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConsumerCrashed, message, options);
  }
}
