import { Type, type Static } from '@sinclair/typebox';

export const VerdictKind = { Normal: 'normal', Confirmed: 'confirmed' } as const;
export type VerdictKind = (typeof VerdictKind)[keyof typeof VerdictKind];

/**
 * An analyst's verdict on one alert: a line of the feedback file (replay) or a message of the
 * feedback topic keyed by alert id (live). Published as schemas/verdict.schema.json.
 */
export const VerdictSchema = Type.Object(
  {
    alertId: Type.String({ minLength: 1, maxLength: 256, description: 'The `id` of the alert judged (every message of its incident shares it).' }),
    verdict: Type.Union([Type.Literal('normal'), Type.Literal('confirmed')], {
      description: '`normal`: teach the baseline and suppress the same pattern; `confirmed`: keep flagging it.',
    }),
    at: Type.Optional(Type.String({ maxLength: 64, description: 'When the verdict was given (RFC 3339); informative.' })),
    by: Type.Optional(Type.String({ maxLength: 256, description: 'Who gave it.' })),
    note: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { $id: 'https://agentwatch.dev/schemas/verdict.schema.json', title: 'agentwatch analyst verdict', additionalProperties: false },
);
export type Verdict = Static<typeof VerdictSchema>;
