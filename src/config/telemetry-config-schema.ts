import { Type, type Static } from '@sinclair/typebox';

/**
 * The HTTP endpoint of `agentwatch run` (and of `replay --metrics`): /metrics, /healthz, /readyz.
 * Loopback by default, so nothing is exposed until the operator chooses an address.
 */
export const TelemetryConfigSchema = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      default: '127.0.0.1',
      description: 'Address the /metrics, /healthz and /readyz endpoint binds to (0.0.0.0 to let a Prometheus in another container or host scrape it).',
    }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 9464, description: 'Port of that endpoint (0: any free port, printed in the logs).' }),
    bearerToken: Type.Optional(
      Type.String({
        minLength: 16,
        secret: true,
        description:
          'When set, /metrics requires `Authorization: Bearer <token>` (/healthz and /readyz stay open for probes). Prefer AGENTWATCH_METRICS_TOKEN; never logged.',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type TelemetryConfig = Static<typeof TelemetryConfigSchema>;
