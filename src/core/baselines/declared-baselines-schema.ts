import { Type, type Static } from '@sinclair/typebox';

/**
 * The declared side of baselines (DESIGN.md, `baselines/` contract), one YAML file or many.
 * Published as schemas/baselines.schema.json so editors can check and complete the files.
 */
export const ACTIVE_HOURS_PATTERN =
  '^(Daily|(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))?(,(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))?)*) ([01]\\d|2[0-3]):[0-5]\\d-(([01]\\d|2[0-3]):[0-5]\\d|24:00)$';

const SensitivePattern = Type.Object(
  {
    pattern: Type.String({ minLength: 1, maxLength: 1024, description: 'Glob: `*` matches any characters (including / and :), `?` one.' }),
    label: Type.Optional(Type.String({ maxLength: 128, description: 'Kind of sensitive thing, e.g. secrets.' })),
    field: Type.Optional(
      Type.Union([Type.Literal('resource'), Type.Literal('permission'), Type.Literal('any'), Type.Literal('action')], {
        default: 'resource',
        description:
          'Which event field the pattern applies to. `action`: a first use of the action by an agent is news (new_sensitive_action), e.g. `ec2:DeleteFlowLogs`.',
      }),
    ),
    when: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 128 }),
        Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 64 })]),
        {
          maxProperties: 16,
          description:
            'With `field: action`: conditions on the event\'s attributes, all of which must hold. Each names an attribute and one glob or a list of globs; a comma-separated attribute value holds when one of its items matches, e.g. `aws.sharedWith: all` or `aws.ingressCidrs: ["*/0"]`. An absent attribute never holds.',
        },
      ),
    ),
    why: Type.Optional(Type.String({ maxLength: 512, description: 'Why it is sensitive: the threat it reveals, shown in the alert.' })),
  },
  { additionalProperties: false },
);

const PrivilegedPattern = Type.Object(
  {
    pattern: Type.String({ minLength: 1, maxLength: 1024 }),
    label: Type.Optional(Type.String({ maxLength: 128 })),
    why: Type.Optional(Type.String({ maxLength: 512, description: 'Why it is privileged: what it lets the grantee do.' })),
  },
  { additionalProperties: false },
);

/** A tool of AI agents and the argument that names what it acts on (issue 15, item 7). */
const ToolTarget = Type.Object(
  {
    tool: Type.String({ minLength: 1, maxLength: 256, description: 'Glob over the tool name (gen_ai.tool.name), e.g. `*send_email*`.' }),
    target: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      minItems: 1,
      maxItems: 16,
      description: 'The arguments (gen_ai.tool.call.arguments, top level) that name its target, first present wins: `to`, `recipient`, `payee`, `url`.',
    }),
    targetAs: Type.Optional(
      Type.Union([Type.Literal('value'), Type.Literal('host'), Type.Literal('domain')], {
        default: 'value',
        description: '`value`: the argument as given (lower-cased); `host`: the host of a URL; `domain`: what follows @ in an address, else the value.',
      }),
    ),
    label: Type.Optional(Type.String({ maxLength: 128, description: 'Kind of target, e.g. outbound-recipient, payee.' })),
    why: Type.Optional(Type.String({ maxLength: 512, description: 'Why a new target matters, shown in the alert.' })),
  },
  { additionalProperties: false },
);

/** An instant with its offset (`2026-03-10T22:00:00Z`, `2026-03-10T23:00+01:00`): a maintenance window is absolute. */
export const ISO_INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

const MaintenanceWindow = Type.Union(
  [
    Type.Object(
      {
        from: Type.String({ pattern: ISO_INSTANT_PATTERN, description: 'Start, an ISO 8601 instant with its offset, e.g. 2026-03-10T22:00:00Z.' }),
        to: Type.String({ pattern: ISO_INSTANT_PATTERN, description: 'End (exclusive), after `from`.' }),
        label: Type.Optional(Type.String({ maxLength: 128, description: 'Why, e.g. a change ticket; shown by inspect.' })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        weekly: Type.String({
          pattern: ACTIVE_HOURS_PATTERN,
          description: 'A recurring window in the agent\'s time zone, in the activeHours format: "Sun 02:00-04:00".',
        }),
        label: Type.Optional(Type.String({ maxLength: 128 })),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'A maintenance window: learned detectors re-learn instead of alerting inside it (docs/baselines.md).' },
);

const AgentMatch = Type.Object(
  {
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Glob over agentId.' })),
    agentClass: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const AgentDeclaration = Type.Object(
  {
    match: AgentMatch,
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London.' })),
    activeHours: Type.Optional(
      Type.Array(Type.String({ pattern: ACTIVE_HOURS_PATTERN, description: 'e.g. "Mon-Fri 07:00-19:00", "Daily 22:00-06:00".' }), {
        maxItems: 32,
      }),
    ),
    allowedRegions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 256 })),
    expectedPermissions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 1024 })),
    allowedResources: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 1024 })),
    maxEventsPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
    maintenance: Type.Optional(Type.Array(MaintenanceWindow, { maxItems: 256 })),
  },
  { additionalProperties: false },
);

export const DeclaredBaselinesSchema = Type.Object(
  {
    sensitive: Type.Optional(Type.Array(SensitivePattern)),
    privileged: Type.Optional(Type.Array(PrivilegedPattern)),
    agents: Type.Optional(Type.Array(AgentDeclaration)),
    tools: Type.Optional(
      Type.Array(ToolTarget, {
        maxItems: 1024,
        description:
          "AI agents' tools and the argument that is their target: a target the agent never used with that tool, once it has learned, is news (new_tool_target).",
      }),
    ),
  },
  {
    $id: 'https://agentwatch.dev/schemas/baselines.schema.json',
    title: 'agentwatch declared baselines',
    description: 'What counts as sensitive or privileged, and what each agent or class is expected to do.',
    additionalProperties: false,
  },
);

export type DeclaredBaselinesDocument = Static<typeof DeclaredBaselinesSchema>;
export type AgentDeclarationDocument = Static<typeof AgentDeclaration>;
export type MaintenanceWindowDocument = Static<typeof MaintenanceWindow>;
export type SensitivePatternDocument = Static<typeof SensitivePattern>;
export type ToolTargetDocument = Static<typeof ToolTarget>;
