import type { EngineContext } from '../engine-context.js';
import { InvalidSnapshotError } from '../errors.js';
import type { OpenIncident } from '../alerts/incident.js';
import { AcceptedPatterns, type AcceptedPatternsSnapshot } from '../feedback/accepted-patterns.js';
import { type NewToolTargetSnapshot, ToolTargetState } from '../detectors/new-tool-target.js';
import { type NewToolTransitionSnapshot, ToolTransitionState } from '../detectors/new-tool-transition.js';
import { RateDropState, type RateDropSnapshot } from '../detectors/rate-drop-state.js';
import { RateSpikeState, emptyRatios } from '../detectors/rate-spike.js';
import { ErrorRateState, type ErrorWindowSnapshot } from '../detectors/error-rate.js';
import { OffHoursState } from '../detectors/off-hours.js';
import { PolicyViolationState } from '../detectors/policy-violation.js';
import { NewPermissionState } from '../detectors/new-permission.js';
import { AgentBaseline } from './agent-baseline.js';
import { CountSketch, type CountSketchSnapshot } from './count-sketch.js';
import { GracePeriod, type GraceSnapshot } from './grace-period.js';
import { HourProfile, type HourProfileSnapshot } from './hour-profile.js';
import { LocationState, type LocationSnapshot } from '../detectors/multi-location-state.js';
import { RateWindows } from './rate-windows.js';
import type { RateWindowsSnapshot } from './rate-windows-snapshot.js';
import { RecentIds } from './recent-ids.js';
import { SeenSet, type SeenSetSnapshot } from './seen-set.js';

export const AGENT_SNAPSHOT_VERSION = 1;

/**
 * A baseline as plain JSON: the changelog record (keyed by agent id) and the warm-start file.
 * Declarations are not stored: they are re-resolved from the current `baselines/` on restore.
 */
export interface AgentSnapshot {
  v: number;
  agentId: string;
  agentClass?: string;
  tenant?: string;
  firstSeenMs: number;
  lastSeenMs: number;
  eventCount: number;
  /** Source position of the last event learned (live service only). */
  position?: number;
  /** Recent event ids (32-bit hashes) with their times: duplicates are recognised across a restart. */
  recentIds?: [hash: number, timeMs: number][];
  bucket: {
    startMs: number;
    count: number;
    failures: number;
    suspicious: number;
    threshold: number | null;
    expected: number;
    flagged: boolean;
    errorFlagged: boolean;
    evidence: string[];
    errorEvidence?: string[];
    basis: 'learned' | 'class';
  };
  errors?: ErrorWindowSnapshot;
  hour: {
    index: number;
    endMs: number;
    offsetMs: number;
    slot: number;
    count: number;
    maxBucket: number;
    idle: boolean;
    flagged: boolean;
    policyFlagged: boolean;
    evidence: string[];
    basis: 'learned' | 'class';
  };
  fast: [mean: number, variance: number];
  slow: [mean: number, variance: number];
  sketch: CountSketchSnapshot;
  ratios: CountSketchSnapshot;
  tailMultiplier: number;
  sketchDecayAtMs: number;
  profile: HourProfileSnapshot;
  /** Scan windows and CUSUM (issue 14); absent in snapshots written before them (they start afresh). */
  windows?: RateWindowsSnapshot;
  resources: SeenSetSnapshot;
  sensitive?: SeenSetSnapshot;
  permissions?: SeenSetSnapshot;
  locations?: LocationSnapshot;
  incidents: [detector: string, incident: OpenIncident][];
  accepted?: AcceptedPatternsSnapshot;
  /** Deploy grace and the alerts held back in grace (issue 14, item 7). */
  grace?: GraceSnapshot;
  rateDrop?: RateDropSnapshot;
  toolTargets?: NewToolTargetSnapshot;
  toolTransitions?: NewToolTransitionSnapshot;
}

export function snapshotAgent(a: AgentBaseline): AgentSnapshot {
  const rateSpike = a.rateSpike.snapshot();
  const errorRate = a.errorRate?.snapshot();
  const offHours = a.offHours?.snapshot();
  const snap: AgentSnapshot = {
    v: AGENT_SNAPSHOT_VERSION,
    agentId: a.agentId,
    firstSeenMs: a.firstSeenMs,
    lastSeenMs: a.lastSeenMs,
    eventCount: a.eventCount,
    ...(a.inputPosition >= 0 && { position: a.inputPosition }),
    ...(a.recentIds !== undefined && a.recentIds.size > 0 && { recentIds: a.recentIds.snapshot() }),
    bucket: {
      startMs: a.bucketStartMs,
      count: a.bucketCount,
      failures: a.bucketFailures,
      suspicious: errorRate?.suspicious ?? 0,
      errorFlagged: errorRate?.flagged ?? false,
      ...(errorRate?.evidence && { errorEvidence: errorRate.evidence }),
      basis: rateSpike.basis,
      threshold: rateSpike.threshold,
      expected: rateSpike.expected,
      flagged: rateSpike.flagged,
      evidence: a.bucketEvidence.slice(),
    },
    hour: {
      index: a.hourIndex,
      endMs: a.hourEndMs,
      offsetMs: a.hourOffsetMs,
      slot: a.hourSlot,
      count: a.hourCount,
      maxBucket: a.hourMaxBucket,
      idle: a.hourIdle,
      flagged: offHours?.flagged ?? false,
      policyFlagged: a.policyViolation?.activeHoursFlagged ?? false,
      evidence: offHours?.evidence ?? [],
      basis: a.hourBasis,
    },
    ...(errorRate && { errors: errorRate.window }),
    fast: [a.fast.mean, a.fast.variance],
    slow: [a.slow.mean, a.slow.variance],
    sketch: a.sketch.snapshot(),
    ratios: rateSpike.ratios ?? emptyRatios(),
    tailMultiplier: rateSpike.tailMultiplier,
    sketchDecayAtMs: a.sketchDecayAtMs,
    profile: a.profile.snapshot(),
    windows: a.windows.snapshot(),
    resources: a.resources.snapshot(),
    incidents: a.incidents ? [...a.incidents].map(([d, i]) => [d, { ...i }]) : [],
  };
  if (a.sensitive !== undefined) snap.sensitive = a.sensitive.snapshot();
  if (a.permissions !== undefined) snap.permissions = a.permissions.snapshot();
  if (a.locations !== undefined) snap.locations = a.locations.snapshot();
  if (a.accepted !== undefined) snap.accepted = a.accepted.snapshot();
  if (a.grace !== undefined) snap.grace = a.grace.snapshot();
  if (a.rateDrop !== undefined) snap.rateDrop = a.rateDrop.snapshot(a);
  if (a.toolTargets !== undefined) snap.toolTargets = a.toolTargets.snapshot();
  if (a.toolTransitions !== undefined) snap.toolTransitions = a.toolTransitions.snapshot();
  if (a.agentClass !== undefined) snap.agentClass = a.agentClass;
  if (a.tenant !== undefined) snap.tenant = a.tenant;
  return snap;
}

export function restoreAgent(s: AgentSnapshot, ctx: EngineContext): AgentBaseline {
  if (!s || s.v !== AGENT_SNAPSHOT_VERSION || typeof s.agentId !== 'string') {
    throw new InvalidSnapshotError(`unsupported agent snapshot (version ${String(s?.v)}, expected ${AGENT_SNAPSHOT_VERSION})`);
  }
  const set = ctx.settings;
  const a = new AgentBaseline(s.agentId, ctx);
  a.agentClass = s.agentClass;
  a.tenant = s.tenant;
  a.declaration = ctx.declared.forAgent(s.agentId, s.agentClass);
  a.timezone = a.declaration?.timezone;
  a.firstSeenMs = s.firstSeenMs;
  a.lastSeenMs = s.lastSeenMs;
  a.eventCount = s.eventCount;
  a.inputPosition = s.position ?? -1;
  if (s.recentIds?.length) a.recentIds = RecentIds.restore(s.recentIds, ctx.settings.duplicates.maxIdsPerAgent);
  a.bucketStartMs = s.bucket.startMs;
  a.bucketCount = s.bucket.count;
  a.bucketFailures = s.bucket.failures;
  a.hourBasis = s.hour.basis;
  // The version 1 layout: error_rate's window at the top, its live bucket in `bucket`. No build
  // wrote a bucket's suspicious errors without the window (created by the first failed call).
  if (s.errors)
    a.errorRate = ErrorRateState.restore({
      window: s.errors,
      suspicious: s.bucket.suspicious,
      flagged: s.bucket.errorFlagged,
      evidence: s.bucket.errorEvidence,
    });
  a.rateSpike = RateSpikeState.restore(
    {
      threshold: s.bucket.threshold,
      expected: s.bucket.expected,
      flagged: s.bucket.flagged,
      basis: s.bucket.basis,
      ratios: s.ratios,
      tailMultiplier: s.tailMultiplier,
    },
    ctx,
  );
  a.bucketEvidence = s.bucket.evidence.slice();
  a.hourIndex = s.hour.index;
  a.hourEndMs = s.hour.endMs;
  a.hourOffsetMs = s.hour.offsetMs;
  a.hourSlot = s.hour.slot;
  a.hourCount = s.hour.count;
  a.hourMaxBucket = s.hour.maxBucket;
  a.hourIdle = s.hour.idle;
  a.offHours = OffHoursState.restore(s.hour);
  if (s.hour.policyFlagged) (a.policyViolation = new PolicyViolationState()).activeHoursFlagged = true;
  [a.fast.mean, a.fast.variance] = s.fast;
  [a.slow.mean, a.slow.variance] = s.slow;
  a.sketch = CountSketch.restore(s.sketch, set.sketch.relativeAccuracy, set.sketch.binLimit);
  a.sketchDecayAtMs = s.sketchDecayAtMs;
  a.profile = HourProfile.restore(s.profile);
  if (s.windows) a.windows = RateWindows.restore(s.windows, set.bucketMs);
  a.resources = SeenSet.restore(s.resources, set.seen.maxResources, set.seen.forgetAfterMs);
  if (s.locations) a.locations = LocationState.restore(s.locations, ctx.settings.multiLocation.maxPlaces, set.seen.forgetAfterMs);
  if (s.permissions) a.permissions = NewPermissionState.restore(s.permissions, set.seen.maxPermissions, set.seen.forgetAfterMs);
  if (s.sensitive) a.sensitive = SeenSet.restore(s.sensitive, set.seen.maxSensitiveResources, set.seen.forgetAfterMs);
  if (s.incidents.length) a.incidents = new Map(s.incidents.map(([d, i]) => [d, { ...i }]));
  if (s.accepted) a.accepted = AcceptedPatterns.restore(s.accepted, set.feedback.maxPatternsPerDetector);
  if (s.grace) a.grace = GracePeriod.restore(s.grace);
  if (s.rateDrop) a.rateDrop = RateDropState.restore(s.rateDrop, set.rateDrop.windowMs / 60_000, set.bucketMs, a);
  if (s.toolTargets) a.toolTargets = ToolTargetState.restore(s.toolTargets, set.newToolTarget.maxTargets, set.seen.forgetAfterMs);
  if (s.toolTransitions) a.toolTransitions = ToolTransitionState.restore(s.toolTransitions, set.newToolTransition.maxTransitions, set.seen.forgetAfterMs);
  return a;
}
