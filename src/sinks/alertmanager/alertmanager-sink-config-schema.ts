import { Type, type Static } from '@sinclair/typebox';
import { DeliveryRetrySchema, HttpHeadersSchema, sinkRoutingProperties } from '../../config/sink-routing-schema.js';

const envName = (description: string) => Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description });

/** Credentials for Alertmanager's `--web.config.file` (basic auth) or a proxy in front of it (bearer). */
export const AlertmanagerAuthSchema = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, description: 'Basic auth user (with password or passwordEnv).' })),
    password: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'Basic auth password. Prefer passwordEnv; never logged.' })),
    passwordEnv: Type.Optional(envName('Name of an environment variable holding the basic auth password.')),
    bearerToken: Type.Optional(
      Type.String({ minLength: 1, secret: true, description: '`Authorization: Bearer` token (instead of basic auth). Prefer bearerTokenEnv; never logged.' }),
    ),
    bearerTokenEnv: Type.Optional(envName('Name of an environment variable holding the bearer token.')),
  },
  { additionalProperties: false, description: 'Basic auth (username + password/passwordEnv) or a bearer token (bearerToken/bearerTokenEnv), not both.' },
);
export type AlertmanagerAuthConfig = Static<typeof AlertmanagerAuthSchema>;

/** Prometheus Alertmanager (`POST /api/v2/alerts`): one variant of `alerts.sinks`. */
export const AlertmanagerSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('alertmanager'),
    ...sinkRoutingProperties,
    url: Type.String({
      pattern: '^https?://[^\\s]+$',
      secret: 'url',
      description:
        'Base URL of Alertmanager, e.g. http://alertmanager:9093, with its route prefix if it has one (the sink POSTs to <url>/api/v2/alerts). https:// for TLS.',
    }),
    resendIntervalMs: Type.Integer({
      minimum: 1_000,
      maximum: 3_600_000,
      default: 60_000,
      description:
        'How often (wall clock) open incidents are posted again. Each post sets endsAt 3 intervals ahead: Alertmanager keeps the alert firing while agentwatch lives and lets it expire if agentwatch stops.',
    }),
    generatorUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s]+$',
        description:
          'Link shown with each alert (generatorURL), e.g. a Grafana dashboard: {alertId}, {agentId} and {detector} are replaced (URL-encoded); without a placeholder, ?alert_id=<id> is added.',
      }),
    ),
    maxOpenAlerts: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 10_000,
      description:
        'Open incidents kept firing by re-sends; beyond it the least recently updated stops being re-sent (counted in agentwatch_alertmanager_untracked_alerts_total) and expires.',
    }),
    maxSilenceMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'An open incident with no message (update, resolution) for this long (wall clock) stops being re-sent and expires: the engine will not resolve it (engine.episodes.resolve false, an input partition gone quiet). Default: 2 × (engine.cooldownMs + engine.episodes.updateIntervalMs), at least an hour; 0: never.',
      }),
    ),
    auth: Type.Optional(AlertmanagerAuthSchema),
    caFile: Type.Optional(
      Type.String({ minLength: 1, description: 'PEM file of a private CA to trust for https (besides the system CAs); relative to the config file.' }),
    ),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Timeout of one request.' }),
    retry: DeliveryRetrySchema,
    headers: HttpHeadersSchema,
  },
  {
    additionalProperties: false,
    description:
      'Prometheus Alertmanager: stable labels (alertname, agent_id, detector, severity, agent_class, tenant), summary and observed vs expected as annotations; re-sent while open, resolved through endsAt.',
  },
);
export type AlertmanagerSinkConfig = Static<typeof AlertmanagerSinkConfigSchema>;
