import { type Static, Type } from '@sinclair/typebox';
import { AlertSchema } from '../alerts/alert-schema.js';
import { InvalidSnapshotError } from '../errors.js';
import { escapeControls } from '../escape-controls.js';
import { LocationKind } from '../detectors/multi-location-state.js';
import { ErrorWindowSnapshotSchema } from '../detectors/error-rate.js';
import { NewToolTargetSnapshotSchema } from '../detectors/new-tool-target.js';
import { NewToolTransitionSnapshotSchema } from '../detectors/new-tool-transition.js';
import { RateDropSnapshotSchema } from '../detectors/rate-drop-state.js';
import { RATE_WINDOWS_DATA, RING } from './rate-windows-layout.js';
import { NumberOrNull, type RecordProblem, RecordValidator, type SameType, oneOf } from '../record-validator.js';
import { AGENT_SNAPSHOT_VERSION, type AgentSnapshot } from './agent-baseline-snapshot.js';

// Bounds are those of what the engine itself writes, so a valid snapshot always passes; the
// fixed-size parts (the week, the error window) must have their exact size, since restore
// copies them into typed arrays by index.
const HOURS_PER_WEEK = 168;
/** A time zone's offset from UTC is less than a day. */
const DAY_MS = 86_400_000;
/** engine.sketch.binLimit's maximum. */
const MAX_SKETCH_BINS = 4096;
/** engine.duplicates.maxIdsPerAgent's maximum. */
const MAX_RECENT_IDS = 65_536;

/** The range of a JavaScript Date: a time past it makes toISOString throw in every alert. */
const MAX_TIME_MS = 8.64e15;
const TimeMs = Type.Number({ minimum: -MAX_TIME_MS, maximum: MAX_TIME_MS });
const Count = Type.Number({ minimum: 0 });
/** Held alerts are counted per detector name: a handful, with room for detectors to come. */
const MAX_GRACE_DETECTORS = 64;
const Basis = oneOf(['learned', 'class'] as const);
const Evidence = Type.Array(Type.String());

const SeenSetSchema = Type.Array(Type.Tuple([Type.String(), TimeMs, TimeMs]));

const CountSketchSchema = Type.Object({
  offset: Type.Integer(),
  bins: Type.Array(Count, { maxItems: MAX_SKETCH_BINS }),
  count: Count,
  weight: Count,
});

const LatLonSchema = Type.Object({
  lat: Type.Readonly(Type.Number({ minimum: -90, maximum: 90 })),
  lon: Type.Readonly(Type.Number({ minimum: -180, maximum: 180 })),
});

const LocationSchema = Type.Object({
  sessions: Type.Optional(Type.Array(Type.Tuple([Type.String(), Type.Object({ network: Type.String(), label: Type.String(), fired: Type.Boolean() })]))),
  known: SeenSetSchema,
  lastKnownMs: TimeMs,
  lastKnownLabel: Type.String(),
  lastKnownCoords: Type.Optional(LatLonSchema),
  pending: Type.Optional(
    Type.Object({
      kind: oneOf(Object.values(LocationKind)),
      key: Type.String(),
      label: Type.String(),
      firstMs: TimeMs,
      lastMs: TimeMs,
      fired: Type.Boolean(),
      evidence: Evidence,
    }),
  ),
});

const OpenIncidentSchema = Type.Object({
  alertId: Type.String(),
  openedMs: TimeMs,
  lastMs: TimeMs,
  count: Count,
  revision: Type.Optional(Type.Number()),
  emittedMs: Type.Optional(TimeMs),
  pending: Type.Optional(Type.Number()),
  peakScore: Type.Optional(Type.Number()),
  resolved: Type.Optional(Type.Boolean()),
  last: Type.Optional(AlertSchema),
  pattern: Type.Optional(Type.String()),
  magnitude: Type.Optional(Type.Number()),
  acceptedNormal: Type.Optional(Type.Boolean()),
});

/**
 * One agent's baseline as JSON (AgentSnapshot), checked wherever one is read back: state files,
 * changelog records. Extra fields are allowed, as restore ignores them; every field restore
 * reads must be there with its type.
 */
export const AgentSnapshotSchema = Type.Object({
  v: Type.Number(),
  agentId: Type.String(),
  agentClass: Type.Optional(Type.String()),
  tenant: Type.Optional(Type.String()),
  firstSeenMs: TimeMs,
  lastSeenMs: TimeMs,
  eventCount: Count,
  position: Type.Optional(Type.Integer({ minimum: 0 })),
  recentIds: Type.Optional(Type.Array(Type.Tuple([Type.Number(), TimeMs]), { maxItems: MAX_RECENT_IDS })),
  bucket: Type.Object({
    startMs: TimeMs,
    count: Count,
    failures: Count,
    suspicious: Count,
    threshold: NumberOrNull,
    expected: Type.Number(),
    flagged: Type.Boolean(),
    errorFlagged: Type.Boolean(),
    evidence: Evidence,
    errorEvidence: Type.Optional(Evidence),
    basis: Basis,
  }),
  errors: Type.Optional(ErrorWindowSnapshotSchema),
  hour: Type.Object({
    index: Type.Number(),
    endMs: TimeMs,
    offsetMs: Type.Number({ minimum: -DAY_MS, maximum: DAY_MS }),
    slot: Type.Integer({ minimum: 0, maximum: HOURS_PER_WEEK - 1 }),
    count: Count,
    maxBucket: Type.Number(),
    idle: Type.Boolean(),
    flagged: Type.Boolean(),
    policyFlagged: Type.Boolean(),
    evidence: Evidence,
    basis: Basis,
  }),
  fast: Type.Tuple([Type.Number(), Type.Number()]),
  slow: Type.Tuple([Type.Number(), Type.Number()]),
  sketch: CountSketchSchema,
  ratios: CountSketchSchema,
  tailMultiplier: Type.Number(),
  sketchDecayAtMs: TimeMs,
  profile: Type.Object({
    weekly: Type.Array(NumberOrNull, { minItems: HOURS_PER_WEEK, maxItems: HOURS_PER_WEEK }),
    peaks: Type.Array(Type.Number(), { minItems: 24, maxItems: 24 }),
    frozenPeaks: Type.Array(Type.Number(), { minItems: 24, maxItems: 24 }),
  }),
  windows: Type.Optional(
    Type.Object({
      data: Type.Array(Type.Number(), { minItems: RATE_WINDOWS_DATA, maxItems: RATE_WINDOWS_DATA }),
      pos: Type.Integer({ minimum: 0, maximum: RING - 1 }),
      th: Type.Object({
        perBucket: Count,
        cusumPerBucket: Type.Optional(Count),
        dispersion: Type.Number({ minimum: 1 }),
        short: NumberOrNull,
        long: NumberOrNull,
        liveMin: Count,
      }),
      cusum: Count,
      cusumBuckets: Count,
      cusumCount: Count,
      cusumTripped: Type.Boolean(),
      cusumPeakBuckets: Count,
      cusumPeakCount: Count,
      learnable: Type.Boolean(),
      blockId: Type.Number(),
      blockCount: Count,
      blockExpected: Count,
      blockFlagged: Type.Boolean(),
      levelActual: Count,
      levelExpected: Count,
    }),
  ),
  resources: SeenSetSchema,
  sensitive: Type.Optional(SeenSetSchema),
  permissions: Type.Optional(SeenSetSchema),
  locations: Type.Optional(LocationSchema),
  incidents: Type.Array(Type.Tuple([Type.String(), OpenIncidentSchema])),
  accepted: Type.Optional(Type.Array(Type.Tuple([Type.String(), Type.Array(Type.String()), NumberOrNull]))),
  grace: Type.Optional(
    Type.Object({
      // null: no deploy yet (-Infinity in memory).
      deployMs: NumberOrNull,
      untilMs: NumberOrNull,
      action: Type.String(),
      held: Type.Array(Type.Tuple([Type.String(), Count, TimeMs]), { maxItems: MAX_GRACE_DETECTORS }),
    }),
  ),
  rateDrop: Type.Optional(RateDropSnapshotSchema),
  toolTargets: Type.Optional(NewToolTargetSnapshotSchema),
  toolTransitions: Type.Optional(NewToolTransitionSnapshotSchema),
});

// Fails to compile when AgentSnapshot and its schema drift apart.
export const _agentSnapshotSchemaMatches: SameType<Static<typeof AgentSnapshotSchema>, AgentSnapshot> = true;

/** Compiled once: restoring a million agents checks a million snapshots. */
const validator = new RecordValidator(AgentSnapshotSchema);

/**
 * The first problem of a snapshot read back, or undefined when restore can take it: the schema,
 * then the version this build writes (a snapshot of another version is not read as this one).
 */
export function agentSnapshotProblem(value: unknown): RecordProblem | undefined {
  const problem = validator.check(value);
  if (problem) return problem;
  const v = (value as AgentSnapshot).v;
  return v === AGENT_SNAPSHOT_VERSION ? undefined : { path: '/v', message: `unsupported version ${v} (this agentwatch reads ${AGENT_SNAPSHOT_VERSION})` };
}

export function isAgentSnapshot(value: unknown): value is AgentSnapshot {
  return agentSnapshotProblem(value) === undefined;
}

/** A snapshot read back, or InvalidSnapshotError naming `source` and the bad field. */
export function checkAgentSnapshot(value: unknown, source: string): AgentSnapshot {
  const problem = agentSnapshotProblem(value);
  if (!problem) return value as AgentSnapshot;
  const id =
    typeof value === 'object' && value !== null && typeof (value as { agentId?: unknown }).agentId === 'string'
      ? ` of agent ${JSON.stringify(escapeControls((value as { agentId: string }).agentId))}`
      : '';
  throw new InvalidSnapshotError(`${source}: invalid snapshot${id} at ${problem.path}: ${problem.message}`);
}
