import { Type, type Static } from '@sinclair/typebox';
import { DeliveryRetrySchema, HttpHeadersSchema, sinkRoutingProperties } from './sink-routing-schema.js';

/** Prometheus Alertmanager (`POST /api/v2/alerts`): one variant of `alerts.sinks`. */
export const AlertmanagerSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('alertmanager'),
    ...sinkRoutingProperties,
    url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL of Alertmanager, e.g. http://alertmanager:9093 (the sink POSTs to /api/v2/alerts under it).' }),
    resendIntervalMs: Type.Integer({ minimum: 1_000, default: 60_000, description: 'How often an open incident is sent again, so Alertmanager keeps it active.' }),
    generatorUrl: Type.Optional(Type.String({ minLength: 1, description: 'Link shown with each alert (`generatorURL`): a template where {id}, {agentId} and {detector} are replaced.' })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Timeout of one request.' }),
    retry: DeliveryRetrySchema,
    headers: HttpHeadersSchema,
  },
  { additionalProperties: false },
);
export type AlertmanagerSinkConfig = Static<typeof AlertmanagerSinkConfigSchema>;
