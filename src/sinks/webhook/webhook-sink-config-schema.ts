import { Type } from '@sinclair/typebox';
import { DeliveryRetrySchema, HttpHeadersSchema, sinkRoutingProperties, stringEnum } from '../../config/sink-routing-schema.js';
import { WebhookPreset } from './webhook-preset.js';

/** A signed webhook, Slack or Teams: one variant of `alerts.sinks`. */
export const WebhookSinkConfigSchema = Type.Object(
  {
    type: Type.Literal('webhook'),
    ...sinkRoutingProperties,
    url: Type.String({
      pattern: '^https?://[^\\s]+$',
      secret: 'url',
      description: 'Endpoint the alerts are POSTed to (http:// or https://). Slack and Teams URLs hold a secret: they are never logged.',
    }),
    preset: stringEnum(Object.values(WebhookPreset), {
      default: 'standard',
      description:
        '`standard`: the alert as JSON, signed per Standard Webhooks; `slack`: a Slack incoming-webhook message; `teams`: a Microsoft Teams incoming-webhook Adaptive Card.',
    }),
    secrets: Type.Optional(
      Type.Array(Type.String({ pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$', description: 'whsec_ followed by the base64 key' }), {
        secret: true,
        minItems: 1,
        maxItems: 3,
        description: 'Signing secrets (`whsec_…`); two while rotating (each request carries one signature per secret). Prefer secretsEnv; never logged.',
      }),
    ),
    secretsEnv: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        description: 'Name of an environment variable holding the signing secrets (whsec_…, separated by spaces or commas).',
      }),
    ),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Timeout of one request (connection and response).' }),
    retry: DeliveryRetrySchema,
    headers: HttpHeadersSchema,
  },
  { additionalProperties: false },
);
