import { Type, type Static } from '@sinclair/typebox';
import { NewToolTargetSettingsSchema } from './detectors/new-tool-target.js';
import { NewToolTransitionSettingsSchema } from './detectors/new-tool-transition.js';
import { RateDropSettingsSchema } from './detectors/rate-drop.js';

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
    rateSpike: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        minCount: Type.Integer({ minimum: 1, default: 20, description: 'Never fire below this many events in one bucket.' }),
        peakMultiplier: Type.Number({ minimum: 1, default: 2.5, description: 'Times the learned peak bucket of this local hour (±1 h), at least.' }),
        tailQuantile: Type.Number({
          minimum: 0.5,
          maximum: 1,
          default: 0.9999,
          description: "Quantile of the agent's own bucket-to-peak ratios: how far above its usual peak a bursty agent normally goes…",
        }),
        tailMargin: Type.Number({ minimum: 1, default: 2, description: '…times this margin replaces peakMultiplier when larger (heavy-tailed agents).' }),
        tailMinBuckets: Type.Integer({
          minimum: 0,
          default: 2000,
          description: 'Buckets (with an expected peak of at least 5) before the ratio tail is trusted: about a day and a half of a busy agent.',
        }),
        quantile: Type.Number({
          minimum: 0.5,
          maximum: 1,
          default: 0.9,
          description: "Sketch quantile of the agent's non-empty bucket counts: a floor under the hourly peak where that hour has little history.",
        }),
        zScore: Type.Number({
          minimum: 0,
          default: 8,
          description: 'Poisson standard deviations (√μ) above the 1-day EWMA mean: the floor where an hour has no history.',
        }),
        regimeChangeMs: Type.Integer({
          minimum: 0,
          default: 86_400_000,
          description: 'A rate_spike incident that goes on this long is a new normal: its buckets are then learned in full.',
        }),
        peakDecayPerDay: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.9, description: 'How fast a learned hourly peak fades when not repeated.' }),
        windows: Type.Object(
          {
            enabled: Type.Boolean({
              default: true,
              description:
                'Also judge the last 5 and 15 minutes (live bucket included) against the hour-of-week expectation with a negative-binomial tail (issue 14).',
            }),
            tailProbability: Type.Number({
              exclusiveMinimum: 0,
              maximum: 0.01,
              default: 1e-7,
              description:
                "A window fires when a count this unlikely under the agent's history is reached: about 20 000 windows are judged per agent-week, so it must be tiny.",
            }),
            minCount: Type.Integer({ minimum: 1, default: 10, description: 'Never fire a window below this many events.' }),
            floorShare: Type.Number({
              minimum: 0,
              maximum: 1,
              default: 0.5,
              description: "The expectation of an hour is never below this share of the agent's mean hourly rate over its learned week.",
            }),
            dispersionPrior: Type.Number({
              minimum: 1,
              default: 2,
              description: 'Dispersion (variance / mean of 15-minute counts) assumed before the agent has taught its own…',
            }),
            dispersionPriorWindows: Type.Number({ minimum: 0, default: 12, description: '…weighing as much as this many of its own 15-minute windows.' }),
            neighbourNoise: Type.Number({
              minimum: 0,
              maximum: 5,
              default: 0,
              description:
                "A neighbouring hour (or the same hour the day before and after) raises an hour's expectation only by what it exceeds this many Poisson standard deviations of one hour's count, for the scan windows (the CUSUM keeps the busiest neighbour): quiet agents' noisy neighbours no longer inflate it. 0: the busiest neighbour as learned. 1 raised quiet bursts caught on tuning seeds, not on held-out ones (docs/tuning.md).",
            }),
            maxLevelRatio: Type.Number({
              minimum: 1,
              default: 3,
              description: 'How far the last day running above the learned week may raise the expectation (growing agents).',
            }),
            cusum: Type.Object(
              {
                enabled: Type.Boolean({ default: true, description: 'A CUSUM over the per-bucket excess catches long moderate rises.' }),
                ratio: Type.Number({ exclusiveMinimum: 1, maximum: 20, default: 2, description: 'The rise (times the expectation) it is tuned to detect.' }),
                threshold: Type.Number({
                  exclusiveMinimum: 0,
                  default: 12,
                  description: 'Log-likelihood ratio (divided by the dispersion) at which it fires: about one false trip in e^threshold buckets.',
                }),
              },
              { default: {} },
            ),
          },
          { default: {} },
        ),
      },
      { default: {} },
    ),
    rateDrop: RateDropSettingsSchema,
    newToolTarget: NewToolTargetSettingsSchema,
    newToolTransition: NewToolTransitionSettingsSchema,
    newSensitiveResource: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        quietColdStart: Type.Boolean({
          default: true,
          description:
            'At a cold start every access is a first access: agents already active in the first learningPeriodMs of the stream learn their sensitive resources silently until their own learning ends. Agents that appear later are judged from their first event. Set false to alert on everything from the first event (or warm-start from saved state).',
        }),
      },
      { default: {} },
    ),
    newSensitiveAction: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'First use by an agent of a declared sensitive action (`sensitive` entries with `field: action`), from the first event, cold start or not.',
        }),
      },
      { default: {} },
    ),
    newPermission: Type.Object({ enabled: Type.Boolean({ default: true }) }, { default: {} }),
    policyViolation: Type.Object({ enabled: Type.Boolean({ default: true }) }, { default: {} }),
    multiLocation: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        concurrentWindowMs: Type.Integer({
          minimum: 1000,
          default: 600_000,
          description: 'Usual places acting within this time of a new one make the use concurrent.',
        }),
        maxSpeedKmh: Type.Number({
          minimum: 1,
          default: 1000,
          description: 'Faster than this between the last usual place and a new country is impossible travel.',
        }),
        minTravelKm: Type.Number({ minimum: 0, default: 500, description: 'Shorter jumps are never impossible travel (coordinates are approximate).' }),
        adoptAfterMs: Type.Integer({
          minimum: 0,
          default: 1_800_000,
          description: 'A new place used alone this long becomes known (failover, migration, new NAT address).',
        }),
        maxPlaces: Type.Integer({ minimum: 1, default: 64, description: 'Places (countries, regions, networks) remembered per agent.' }),
      },
      { default: {} },
    ),
    errorRate: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        windowBuckets: Type.Literal(5, { default: 5, description: 'Buckets in the sliding window (the current one and the 5 before it).' }),
        minErrors: Type.Integer({
          minimum: 1,
          default: 10,
          description: 'Suspicious errors (denials, failures on never-used resources) in the window before it can be a burst.',
        }),
        minRatio: Type.Number({
          minimum: 0,
          maximum: 1,
          default: 0.05,
          description: 'The Wilson lower bound of their share of calls in the window must reach this…',
        }),
        ratioMultiplier: Type.Number({ minimum: 1, default: 5, description: "…and this many times the agent's usual share." }),
        z: Type.Number({ minimum: 0, default: 3, description: 'Confidence of the Wilson bound (standard normal quantile).' }),
      },
      { default: {} },
    ),
    offHours: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        minEvents: Type.Integer({ minimum: 1, default: 10, description: 'Events within one idle local hour before it is a burst, not a stray.' }),
        idleEventsPerWeek: Type.Number({
          minimum: 0,
          default: 12,
          description: 'An hour of the day counts as idle when it and the hours either side saw at most this many events in a typical week (weekly EWMA).',
        }),
        weeklyAlpha: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3, description: 'EWMA weight of each new week in the hour-of-week profile.' }),
      },
      { default: {} },
    ),
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
