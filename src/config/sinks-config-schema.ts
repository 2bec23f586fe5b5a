import { Type, type Static } from '@sinclair/typebox';
import { AlertmanagerSinkConfigSchema } from './alertmanager-sink-config-schema.js';
import { DeliveryRetrySchema, HttpHeadersSchema, sinkRoutingProperties, stringEnum } from './sink-routing-schema.js';

export const KafkaSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('kafka'),
    ...sinkRoutingProperties,
  },
  { additionalProperties: false, description: 'The alerts topic (kafka.topics.alerts), acknowledged by all in-sync replicas before offsets move (`agentwatch run` only).' },
);

export const StdoutSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('stdout'),
    ...sinkRoutingProperties,
    format: stringEnum(['json', 'text'] as const, { default: 'json', description: '`json`: one alert object per line (for log shippers); `text`: one readable line.' }),
  },
  { additionalProperties: false },
);

export const FileSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('file'),
    ...sinkRoutingProperties,
    path: Type.String({ minLength: 1, description: 'JSON-lines file the alerts are appended to; relative to the config file.' }),
  },
  { additionalProperties: false },
);

export const WebhookSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('webhook'),
    ...sinkRoutingProperties,
    url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Endpoint the alerts are POSTed to (http:// or https://). Slack and Teams URLs hold a secret: they are never logged.' }),
    preset: stringEnum(['standard', 'slack', 'teams'] as const, {
      default: 'standard',
      description: '`standard`: the alert as JSON, signed per Standard Webhooks; `slack`: a Slack incoming-webhook message; `teams`: a Microsoft Teams incoming-webhook Adaptive Card.',
    }),
    secrets: Type.Optional(
      Type.Array(Type.String({ pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$', description: 'whsec_ followed by the base64 key' }), {
        minItems: 1,
        maxItems: 3,
        description: 'Signing secrets (`whsec_…`); two while rotating (each request carries one signature per secret). Prefer secretsEnv; never logged.',
      }),
    ),
    secretsEnv: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of an environment variable holding the signing secrets (whsec_…, separated by spaces or commas).' })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Timeout of one request (connection and response).' }),
    retry: DeliveryRetrySchema,
    headers: HttpHeadersSchema,
  },
  { additionalProperties: false },
);

/** The variants by `type`; ajv validates an item against the one its `type` names only. */
const sinkVariants = [KafkaSinkConfigSchema, StdoutSinkConfigSchema, FileSinkConfigSchema, WebhookSinkConfigSchema, AlertmanagerSinkConfigSchema] as const;
/** Only for its static type (the published schema is the oneOf below). */
export const SinkUnionSchema = Type.Union([...sinkVariants]);

export const SinkConfigSchema = Type.Unsafe<Static<typeof SinkUnionSchema>>({
  type: 'object',
  required: ['type', 'name'],
  discriminator: { propertyName: 'type' },
  oneOf: [...sinkVariants],
  description: 'One destination of alerts, chosen by `type`: kafka, stdout, file, webhook, alertmanager.',
});
export type SinkConfig = Static<typeof SinkUnionSchema>;
export type SinkType = SinkConfig['type'];
export type KafkaSinkConfig = Static<typeof KafkaSinkConfigSchema>;
export type StdoutSinkConfig = Static<typeof StdoutSinkConfigSchema>;
export type FileSinkConfig = Static<typeof FileSinkConfigSchema>;
export type WebhookSinkConfig = Static<typeof WebhookSinkConfigSchema>;

export const DeliveryQueueConfigSchema = Type.Object(
  {
    persist: Type.Boolean({ default: true, description: 'Queue alerts for remote sinks on disk (fsync\'d before offsets move, kept across restarts); false: in memory only (lost on a crash).' }),
    dir: Type.Optional(Type.String({ minLength: 1, description: 'Folder of the queues, one sub-folder per sink; relative to the config file. Default: $AGENTWATCH_STATE_DIR/queue, else .agentwatch/queue in the working directory.' })),
    maxAlerts: Type.Integer({ minimum: 1, default: 100_000, description: 'Alerts waiting per sink before the pipeline waits for room (back-pressure, never a drop).' }),
    maxBytes: Type.Integer({ minimum: 1_024, default: 268_435_456, description: 'Bytes waiting per sink before the pipeline waits for room.' }),
    drainTimeoutMs: Type.Integer({ minimum: 0, default: 10_000, description: 'On shutdown (or at the end of a replay), how long to keep delivering; what is left stays queued on disk for the next start.' }),
  },
  { additionalProperties: false, default: {} },
);
export type DeliveryQueueConfig = Static<typeof DeliveryQueueConfigSchema>;

export const AlertsConfigSchema = Type.Object(
  {
    sinks: Type.Optional(
      Type.Array(SinkConfigSchema, {
        description: 'Where alerts go. Absent: `run` sends them to the Kafka alerts topic, `replay` writes --output. Present: exactly these sinks (list a `kafka` sink to keep the topic).',
      }),
    ),
    queue: DeliveryQueueConfigSchema,
  },
  { additionalProperties: false, default: {} },
);
export type AlertsConfig = Static<typeof AlertsConfigSchema>;
