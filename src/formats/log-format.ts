import type { InvalidEventError } from '../core/errors.js';
import type { RawAuditEvent } from '../core/events/audit-event-schema.js';

export const FormatName = {
  Native: 'native',
  CloudTrail: 'cloudtrail',
  Entra: 'entra',
  Ocsf: 'ocsf',
  K8sAudit: 'k8s-audit',
  Otel: 'otel',
} as const;
export type FormatName = (typeof FormatName)[keyof typeof FormatName];

/** `--format` / `input.format`: one format, or `auto` to recognise it per file or per message. */
export type FormatChoice = FormatName | 'auto';

/** A native event as an adapter builds it: validated afterwards by the native schema, like native input. */
export type NativeEventInput = RawAuditEvent;

/**
 * A valid record that carries nothing to detect on (a Kubernetes audit stage before
 * ResponseComplete, a chat span…): counted by reason, neither an event nor a reject.
 */
export class SkippedRecord {
  constructor(readonly reason: string) {}
}

/**
 * One foreign log format mapped to native audit events. Adapters are pure mappings over parsed
 * JSON: reading files and Kafka messages, and validation, stay with the caller.
 */
export interface LogFormat {
  readonly name: FormatName;
  readonly description: string;
  /** Cheap check on one parsed JSON value (a record, or an envelope such as {"Records":[...]}). */
  detect(value: unknown): boolean;
  /**
   * The native events of one parsed value (an envelope yields many). A record it cannot map
   * yields an InvalidEventError (reason e.g. 'unmapped'/'schema') in its place, so one bad
   * record never rejects its neighbours; a record deliberately ignored yields a SkippedRecord.
   */
  toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError | SkippedRecord>;
}
