import { Type, type Static } from '@sinclair/typebox';

/**
 * The native audit event (DESIGN.md, contract). This one schema is compiled for validation and
 * published as schemas/audit-event.schema.json (`npm run schemas`).
 */
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

export const AuditEventSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256, description: 'Unique event id (dedup, evidence).' }),
    time: Type.Union(
      [
        Type.String({ pattern: RFC3339, maxLength: 40, description: 'RFC 3339 timestamp.' }),
        Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'Epoch milliseconds.' }),
      ],
      { description: 'When the action happened (event time).' },
    ),
    agentId: Type.String({ minLength: 1, maxLength: 256, description: 'The non-human identity that acted.' }),
    agentClass: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Peer group.' })),
    tenant: Type.Optional(Type.String({ maxLength: 256 })),
    category: Type.Union([Type.Literal('api_call'), Type.Literal('resource_access'), Type.Literal('permission_request')]),
    action: Type.String({ minLength: 1, maxLength: 512 }),
    resource: Type.Optional(Type.String({ maxLength: 2048 })),
    permission: Type.Optional(Type.String({ maxLength: 512 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')], { default: 'success' })),
    source: Type.Optional(
      Type.Object(
        {
          ip: Type.Optional(Type.String({ maxLength: 64 })),
          region: Type.Optional(Type.String({ maxLength: 64 })),
          country: Type.Optional(Type.String({ maxLength: 64 })),
          city: Type.Optional(Type.String({ maxLength: 128 })),
          lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
          lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
          session: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 256,
              description: 'The credential session the call was made with (an assumed-role session name, a token id).',
            }),
          ),
          sessionBound: Type.Optional(
            Type.Boolean({
              description:
                "The session's credentials belong to one machine (an EC2 instance's role credentials, a pod's token): the same session from a second network is a stolen credential.",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    attributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.Union([Type.String({ maxLength: 2048 }), Type.Number(), Type.Boolean()]), {
        maxProperties: 64,
      }),
    ),
  },
  {
    $id: 'https://agentwatch.dev/schemas/audit-event.schema.json',
    title: 'agentwatch audit event',
    description: 'One audit event of a non-human identity, in the agentwatch native format.',
    additionalProperties: true,
    allOf: [
      {
        if: { properties: { category: { const: 'resource_access' } }, required: ['category'] },
        then: { required: ['resource'], properties: { resource: { minLength: 1 } } },
      },
      {
        if: { properties: { category: { const: 'permission_request' } }, required: ['category'] },
        then: { required: ['permission'], properties: { permission: { minLength: 1 } } },
      },
    ],
  },
);

export type RawAuditEvent = Static<typeof AuditEventSchema>;
