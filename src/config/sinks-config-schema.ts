import { Type, type Static } from '@sinclair/typebox';
import { AlertmanagerSinkConfigSchema } from '../sinks/alertmanager/alertmanager-sink-config-schema.js';
import { WebhookSinkConfigSchema } from '../sinks/webhook/webhook-sink-config-schema.js';
import { sinkRoutingProperties, stringEnum } from './sink-routing-schema.js';

export const KafkaSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('kafka'),
    ...sinkRoutingProperties,
  },
  {
    additionalProperties: false,
    description: 'The alerts topic (kafka.topics.alerts), acknowledged by all in-sync replicas before offsets move (`agentwatch run` only).',
  },
);

export const StdoutSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('stdout'),
    ...sinkRoutingProperties,
    format: stringEnum(['json', 'text'] as const, {
      default: 'json',
      description: '`json`: one alert object per line (for log shippers); `text`: one readable line.',
    }),
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
    persist: Type.Boolean({
      default: true,
      description: "Queue alerts for remote sinks on disk (fsync'd before offsets move, kept across restarts); false: in memory only (lost on a crash).",
    }),
    dir: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Folder of the queues, one sub-folder per sink; relative to the config file. Default: $AGENTWATCH_STATE_DIR/queue, else .agentwatch/queue in the working directory.',
      }),
    ),
    maxAlerts: Type.Integer({
      minimum: 1,
      default: 100_000,
      description: 'Alerts waiting per sink before the pipeline waits for room (back-pressure, never a drop).',
    }),
    maxBytes: Type.Integer({ minimum: 1_024, default: 268_435_456, description: 'Bytes waiting per sink before the pipeline waits for room.' }),
    drainTimeoutMs: Type.Integer({
      minimum: 0,
      default: 10_000,
      description: 'On shutdown (or at the end of a replay), how long to keep delivering; what is left stays queued on disk for the next start.',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type DeliveryQueueConfig = Static<typeof DeliveryQueueConfigSchema>;

export const AlertsConfigSchema = Type.Object(
  {
    sinks: Type.Optional(
      Type.Array(SinkConfigSchema, {
        description:
          'Where alerts go. Absent: `run` sends them to the Kafka alerts topic, `replay` writes --output. Present: exactly these sinks (list a `kafka` sink to keep the topic).',
      }),
    ),
    queue: DeliveryQueueConfigSchema,
  },
  { additionalProperties: false, default: {} },
);
export type AlertsConfig = Static<typeof AlertsConfigSchema>;
