import { Type, type Static } from '@sinclair/typebox';
import { EngineSettingsSchema } from '../core/engine-settings.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../core/events/decode-audit-event.js';
import type { EventTimeLimits } from '../core/events/event-time-guard.js';
import { FormatName } from '../formats/log-format.js';
import { KafkaConfigSchema, RunConfigSchema } from './kafka-config-schema.js';
import { AlertsConfigSchema } from './sinks-config-schema.js';
import { TelemetryConfigSchema } from './telemetry-config-schema.js';

/**
 * The whole configuration file (YAML or JSON): one schema for types, defaults and validation.
 * Published as schemas/config.schema.json.
 */
export const ConfigSchema = Type.Object(
  {
    engine: EngineSettingsSchema,
    input: Type.Object(
      {
        latenessMs: Type.Integer({
          minimum: 0,
          maximum: 3_600_000,
          default: 60_000,
          description: 'How far out of event-time order events may arrive and still be reordered.',
        }),
        maxEventBytes: Type.Integer({ minimum: 256, maximum: 10_485_760, default: DEFAULT_MAX_EVENT_BYTES, description: 'Larger events are rejected.' }),
        format: Type.Union([Type.Literal('auto'), ...Object.values(FormatName).map((n) => Type.Literal(n))], {
          default: 'auto',
          description:
            'Log format of the input: auto (recognised per file or Kafka message), native, cloudtrail, k8s-audit, entra, ocsf or otel. See docs/formats.md.',
        }),
        maxAheadMs: Type.Integer({
          minimum: 60_000,
          default: 86_400_000,
          description:
            'An event further ahead than this of the stream’s watermark (live: also of the wall clock) is rejected as time_out_of_range and moves no clock.',
        }),
        maxAgeMs: Type.Integer({
          minimum: 3_600_000,
          default: 30 * 86_400_000,
          description: 'An event older than this behind the latest event of the stream is rejected as time_out_of_range.',
        }),
        maxWallClockAgeMs: Type.Optional(
          Type.Integer({
            minimum: 3_600_000,
            description:
              'Live only: an event older than this by the machine’s clock is rejected as time_out_of_range. Unset by default, so that historical logs produced into a topic (tests, demos, back-fills) are read; set it to the input topic’s retention in production.',
          }),
        ),
        earliestEventTime: Type.String({
          pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
          default: '2000-01-01T00:00:00Z',
          description: 'Events dated before this (epoch 0, a zeroed clock) are rejected as time_out_of_range.',
        }),
        maxDocumentBytes: Type.Integer({
          minimum: 1024,
          maximum: 1_073_741_824,
          default: 268_435_456,
          description:
            'Largest whole JSON document (a CloudTrail delivery file, decompressed), foreign-format line or Kafka message; native events keep maxEventBytes.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    kafka: KafkaConfigSchema,
    run: RunConfigSchema,
    telemetry: TelemetryConfigSchema,
    alerts: AlertsConfigSchema,
    baselinesDir: Type.Optional(Type.String({ minLength: 1, description: 'Folder of declared baselines (*.yaml); relative to the config file.' })),
  },
  {
    $id: 'https://agentwatch.dev/schemas/config.schema.json',
    title: 'agentwatch configuration',
    additionalProperties: false,
    default: {},
  },
);

/** The event-time window of `input` in the engine's terms (epoch milliseconds). */
export function eventTimeLimits(input: Config['input']): EventTimeLimits {
  return {
    maxAheadMs: input.maxAheadMs,
    maxAgeMs: input.maxAgeMs,
    earliestMs: Date.parse(input.earliestEventTime),
    maxWallClockAgeMs: input.maxWallClockAgeMs ?? Number.POSITIVE_INFINITY,
  };
}

export type Config = Static<typeof ConfigSchema>;
