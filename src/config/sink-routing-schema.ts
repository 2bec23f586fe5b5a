import { Type } from '@sinclair/typebox';
import { AlertStatus } from '../core/alerts/alert.js';
import { DetectorName, SEVERITY_ORDER } from '../core/detectors/detector.js';

/** One of a few strings, as a JSON Schema `enum` (one clear error message, where a union of literals gives one per literal). */
export const stringEnum = <const T extends string>(values: readonly T[], options: { default?: NoInfer<T>; description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/**
 * The keys every sink has: its name and which alert messages it receives. Spread into each sink
 * variant (sinks-config-schema.ts, alertmanager-sink-config-schema.ts).
 */
export const sinkRoutingProperties = {
  name: Type.String({
    pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$',
    description: 'Unique name of the sink: lower-case letters, digits, `_`, `.`, `-` (the `sink` label of its metrics and the folder of its queue).',
  }),
  minSeverity: stringEnum(SEVERITY_ORDER, { default: 'low', description: 'Alerts below this severity are not sent to this sink.' }),
  detectors: Type.Array(stringEnum(Object.values(DetectorName)), {
    uniqueItems: true,
    default: [],
    description: 'Only alerts of these detectors (empty: all).',
  }),
  statuses: Type.Array(stringEnum(Object.values(AlertStatus)), {
    minItems: 1,
    uniqueItems: true,
    default: Object.values(AlertStatus),
    description: 'Which messages of an incident: `open` (new incident), `update` (count, last seen, peak), `resolved` (quiet period over or marked normal).',
  }),
} as const;

/** Retries of a remote sink (webhook, Alertmanager): exponential backoff with full jitter. */
export const DeliveryRetrySchema = Type.Object(
  {
    initialBackoffMs: Type.Integer({
      minimum: 1,
      maximum: 3_600_000,
      default: 1_000,
      description: 'Upper bound of the first pause after a failure; doubles with each further failure (full jitter: the pause is random below it).',
    }),
    maxBackoffMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      default: 300_000,
      description: 'Ceiling of the pause between attempts (a Retry-After from the receiver is honoured even if longer, up to an hour).',
    }),
    maxAttempts: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        "Give an alert up after this many attempts (0: never; alerts wait, bounded by alerts.queue). A given-up alert goes to failed.jsonl in the sink's queue folder.",
    }),
    maxRetryMs: Type.Integer({ minimum: 0, default: 0, description: 'Give an alert up when it has been failing for this long (0: never).' }),
  },
  { additionalProperties: false, default: {} },
);

/** Extra HTTP headers sent with every request (values are never logged). */
export const HttpHeadersSchema = Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), Type.String(), {
  default: {},
  secret: true,
  description: 'Extra HTTP headers, e.g. an Authorization header the receiver expects (never logged).',
});
