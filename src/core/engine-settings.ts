import { Type, type Static } from '@sinclair/typebox';
import { ErrorRateSettingsSchema } from './detectors/error-rate.js';
import { MultiLocationSettingsSchema } from './detectors/multi-location.js';
import { NewPermissionSettingsSchema } from './detectors/new-permission.js';
import { NewSensitiveActionSettingsSchema } from './detectors/new-sensitive-action.js';
import { NewSensitiveResourceSettingsSchema } from './detectors/new-sensitive-resource.js';
import { NewToolTargetSettingsSchema } from './detectors/new-tool-target.js';
import { NewToolTransitionSettingsSchema } from './detectors/new-tool-transition.js';
import { OffHoursSettingsSchema } from './detectors/off-hours.js';
import { PolicyViolationSettingsSchema } from './detectors/policy-violation.js';
import { RateDropSettingsSchema } from './detectors/rate-drop.js';
import { RateSpikeSettingsSchema } from './detectors/rate-spike.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How CloudTrail, Kubernetes audit and Azure spell a roll-out of new code (src/formats). */
export const DEFAULT_DEPLOY_ACTIONS = [
  'lambda:UpdateFunctionCode*',
  'ecs:UpdateService',
  'apprunner:StartDeployment',
  'elasticbeanstalk:UpdateEnvironment',
  'create deployments',
  'patch deployments',
  'update deployments',
  'patch statefulsets',
  'update statefulsets',
  'patch daemonsets',
  'update daemonsets',
  'Microsoft.Web/sites/publish/action',
  'Microsoft.App/containerApps/write',
] as const;

/**
 * Engine settings: one schema gives the TypeScript type, the defaults and the validation
 * (src/config validates and fills it at the edge). Units are in the names.
 */
export const EngineSettingsSchema = Type.Object(
  {
    bucketMs: Type.Integer({ minimum: 1000, maximum: HOUR, default: MINUTE, description: 'Event-time bucket width for rates.' }),
    learningPeriodMs: Type.Integer({
      minimum: 0,
      maximum: 30 * DAY,
      default: 7 * DAY,
      description: 'Learned detectors stay silent until an agent has been observed this long.',
    }),
    minLearningEvents: Type.Integer({ minimum: 0, default: 50, description: '…and has produced at least this many events.' }),
    cooldownMs: Type.Integer({
      minimum: 0,
      default: 30 * MINUTE,
      description: 'A new trigger of the same agent and detector within this time of the last one updates the open incident instead of raising a new alert.',
    }),
    anomalyLearningWeight: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.02,
      description: 'Share of its excess over the expected value that an anomalous bucket or hour teaches the baseline (0: none; 1: as if normal).',
    }),
    evidenceLimit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Event ids kept as evidence per alert.' }),
    maxAgents: Type.Integer({
      minimum: 1,
      default: 1_000_000,
      description: 'Baselines kept in memory; beyond this the least recently active agent is evicted.',
    }),
    maxStateBytes: Type.Optional(
      Type.Integer({
        minimum: 1_048_576,
        description:
          'Memory budget of all learned state (agents, peer groups, their remembered values), approximate bytes. Beyond it the least recently active agents and peer groups are evicted (agentwatch_agents_evicted_total; live: tombstoned in the changelog). Default: a quarter of the process heap limit (node --max-old-space-size).',
      }),
    ),
    agentIdleForgetMs: Type.Integer({ minimum: HOUR, default: 45 * DAY, description: 'An agent silent this long is forgotten.' }),
    episodes: Type.Object(
      {
        updates: Type.Boolean({
          default: true,
          description:
            'Send an `update` message (same alert id) while an incident goes on: on severity escalation at once, otherwise at most every `updateIntervalMs`.',
        }),
        updateIntervalMs: Type.Integer({ minimum: 0, default: 10 * MINUTE, description: 'Least event time between two updates of one incident.' }),
        resolve: Type.Boolean({
          default: true,
          description: 'Send a `resolved` message (same alert id) once an incident has been quiet for `cooldownMs` of event time.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    feedback: Type.Object(
      {
        rateTolerance: Type.Number({
          minimum: 1,
          maximum: 10,
          default: 1.25,
          description: 'A rate (or error share) marked normal stays expected up to this multiple of what was observed.',
        }),
        maxVerdicts: Type.Integer({ minimum: 1, default: 100_000, description: 'Analyst verdicts kept in memory (oldest dropped).' }),
        maxPatternsPerDetector: Type.Integer({ minimum: 1, default: 64, description: 'Accepted patterns remembered per agent and detector (oldest dropped).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    ewma: Type.Object(
      {
        fastHalfLifeMs: Type.Integer({ minimum: MINUTE, default: HOUR }),
        slowHalfLifeMs: Type.Integer({ minimum: MINUTE, default: DAY }),
      },
      { default: {} },
    ),
    sketch: Type.Object(
      {
        relativeAccuracy: Type.Number({ exclusiveMinimum: 0, maximum: 0.5, default: 0.02 }),
        windowMs: Type.Integer({ minimum: HOUR, default: 7 * DAY, description: 'Rolling window of the bucket-count quantile sketch.' }),
        binLimit: Type.Integer({ minimum: 16, maximum: 4096, default: 256 }),
      },
      { default: {} },
    ),
    seen: Type.Object(
      {
        maxResources: Type.Integer({ minimum: 1, default: 200, description: 'Ordinary resources remembered per agent (least recently used evicted).' }),
        maxSensitiveResources: Type.Integer({ minimum: 1, default: 500 }),
        maxPermissions: Type.Integer({ minimum: 1, default: 500, description: 'Permissions remembered per agent and per class.' }),
        forgetAfterMs: Type.Integer({ minimum: HOUR, default: 30 * DAY, description: 'A value unused this long counts as new again.' }),
      },
      { default: {} },
    ),
    duplicates: Type.Object(
      {
        windowMs: Type.Integer({
          minimum: 0,
          default: 120_000,
          description:
            'An event with the id and time of one seen this recently (event time) for the same agent is a duplicate: counted, never learned twice. 0 turns the check off.',
        }),
        maxIdsPerAgent: Type.Integer({
          minimum: 1,
          maximum: 65_536,
          default: 256,
          description: 'Recent event ids remembered per agent (a very busy agent keeps its last ones).',
        }),
      },
      { default: {} },
    ),
    rateSpike: RateSpikeSettingsSchema,
    rateDrop: RateDropSettingsSchema,
    newToolTarget: NewToolTargetSettingsSchema,
    newToolTransition: NewToolTransitionSettingsSchema,
    newSensitiveResource: NewSensitiveResourceSettingsSchema,
    newSensitiveAction: NewSensitiveActionSettingsSchema,
    newPermission: NewPermissionSettingsSchema,
    policyViolation: PolicyViolationSettingsSchema,
    multiLocation: MultiLocationSettingsSchema,
    errorRate: ErrorRateSettingsSchema,
    offHours: OffHoursSettingsSchema,
    grace: Type.Object(
      {
        deployActions: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
          maxItems: 256,
          default: [...DEFAULT_DEPLOY_ACTIONS],
          description:
            'Actions (globs, as the adapters spell them) that mark a deploy: the agent that performs one re-learns for `graceMs` instead of alerting on learned detectors (issue 14; docs/tuning.md "Change without noise"). [] turns it off.',
        }),
        graceMs: Type.Integer({
          minimum: 0,
          maximum: 7 * DAY,
          default: 2 * HOUR,
          description: 'Grace period after a deploy event, in event time. Declared maintenance windows (baselines) are their own grace.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type EngineSettings = Static<typeof EngineSettingsSchema>;
