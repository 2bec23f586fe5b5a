import type { AuditEvent } from '../events/audit-event.js';
import type { OpenIncident } from '../alerts/incident.js';
import type { EngineContext } from '../engine-context.js';
import type { AcceptedPatterns } from '../feedback/accepted-patterns.js';
import { ErrorRateState } from '../detectors/error-rate.js';
import { OffHoursState } from '../detectors/off-hours.js';
import type { PolicyViolationState } from '../detectors/policy-violation.js';
import { NewPermissionState } from '../detectors/new-permission.js';
import type { ToolTargetState } from '../detectors/new-tool-target.js';
import type { ToolTransitionState } from '../detectors/new-tool-transition.js';
import type { RateDropState } from '../detectors/rate-drop-state.js';
import { RateSpikeState } from '../detectors/rate-spike.js';
import { hourOfWeek, localHourIndex, timezoneOffsetMs } from '../time/timezone.js';
import { CountSketch } from './count-sketch.js';
import type { ClassBaseline } from './class-baseline.js';
import type { LocationState } from '../detectors/multi-location-state.js';
import type { AgentDeclaration } from './declared-baselines.js';
import type { GracePeriod } from './grace-period.js';
import { Ewma } from './ewma.js';
import { HourProfile } from './hour-profile.js';
import { RateWindows } from './rate-windows.js';
import type { RecentIds } from './recent-ids.js';
import { SEEN_ENTRY_BYTES, SeenSet } from './seen-set.js';

/** The fixed part of an agent's heap footprint (bench/memory-per-agent.ts measures about this, without values). */
export const AGENT_FIXED_BYTES = 3_800;

const HOUR_MS = 3_600_000;
/** Dispersion is learned from aligned 15-minute windows. */
const BLOCK_MS = 900_000;
const DAY_MS = 86_400_000;

/**
 * Everything agentwatch has learned about one agent, advanced by event time only. The current
 * bucket and hour are part of the state, so a snapshot taken mid-bucket restores exactly.
 */
export class AgentBaseline {
  agentClass: string | undefined;
  tenant: string | undefined;
  declaration: AgentDeclaration | undefined;
  timezone: string | undefined;

  firstSeenMs = 0;
  lastSeenMs = 0;
  eventCount = 0;
  /**
   * The source's position of the last event learned (live: input offset and record), or -1.
   * An event at or before it was already learned: the changelog may be ahead of the committed
   * offsets after a crash or a lost commit, and re-reading must not count an event twice.
   */
  inputPosition = -1;
  /** Ids of recent events, to recognise duplicates (created on the second event). */
  recentIds: RecentIds | undefined;

  bucketStartMs = 0;
  bucketCount = 0;
  bucketFailures = 0;
  /** The bucket's first events (up to evidenceLimit): the evidence of rate_spike's and error_rate's findings. */
  bucketEvidence: string[] = [];
  /** Whose baseline judged this hour's idleness (off_hours, policy_violation): the agent's, or its class's while it learns. */
  hourBasis: 'learned' | 'class' = 'learned';

  hourIndex = 0;
  hourEndMs = 0;
  hourOffsetMs = 0;
  hourSlot = 0;
  hourCount = 0;
  hourMaxBucket = 0;
  /** Whether this local hour is idle by the judging profile (off_hours fires in it; policy_violation then does not). */
  hourIdle = false;

  fast: Ewma;
  slow: Ewma;
  sketch: CountSketch;
  sketchDecayAtMs = 0;
  profile: HourProfile;
  /** The 5- and 15-minute scan windows and the CUSUM (issue 14). */
  windows: RateWindows;
  resources: SeenSet;
  /**
   * The sensitive resources and actions used: the state of new_sensitive_resource and
   * new_sensitive_action, one set for both (actions' keys are prefixed). Created by either on the
   * first sensitive access: most agents never make one.
   */
  sensitive: SeenSet | undefined;
  incidents: Map<string, OpenIncident> | undefined;
  /** Patterns an analyst marked normal (created on the first such verdict). */
  accepted: AcceptedPatterns | undefined;
  /** error_rate's state (its detector file owns it; created on the first failed call). */
  errorRate: ErrorRateState | undefined;
  /** off_hours' state of the live hour (its detector file owns it; created on the first event of an idle hour). */
  offHours: OffHoursState | undefined;
  /** policy_violation's state of the live hour (its detector file owns it; created when the hour is reported). */
  policyViolation: PolicyViolationState | undefined;
  /** Permissions requested: new_permission's state (its detector file owns it; created on the first request). */
  permissions: NewPermissionState | undefined;
  /** Places the agent acts from: multi_location's state (multi-location-state.ts, beside its detector; created on the first event with a source). */
  locations: LocationState | undefined;
  /** Deploy grace and the alerts held back in grace (created on the first deploy or held finding). */
  grace: GracePeriod | undefined;
  /** rate_spike's state (its detector file owns it): the live bucket's bar and the agent's burstiness. */
  rateSpike: RateSpikeState;
  /** rate_drop's state (its detector file owns it; created on the first event). */
  rateDrop: RateDropState | undefined;
  /** new_tool_target's state (its detector file owns it; created on the first tool call). */
  toolTargets: ToolTargetState | undefined;
  /** new_tool_transition's state (its detector file owns it; created on the first tool call in a trace). */
  toolTransitions: ToolTransitionState | undefined;
  /** The agent's peer group, when it has an agentClass (not part of its snapshot). */
  peers: ClassBaseline | undefined;

  constructor(
    readonly agentId: string,
    ctx: EngineContext,
  ) {
    const s = ctx.settings;
    this.fast = new Ewma(ctx.fastAlpha);
    this.slow = new Ewma(ctx.slowAlpha);
    this.sketch = new CountSketch(s.sketch.relativeAccuracy, s.sketch.binLimit);
    this.rateSpike = new RateSpikeState();
    this.profile = new HourProfile();
    this.windows = new RateWindows();
    this.resources = new SeenSet(s.seen.maxResources, s.seen.forgetAfterMs);
  }

  /**
   * Approximate heap bytes of this baseline, for the memory budget (engine.maxStateBytes): a
   * fixed part measured by `npm run bench` (sketches, EWMAs, hour profile, bucket state) plus
   * what grows with the input — remembered values (by their length), sessions and recent ids.
   */
  approxBytes(): number {
    return (
      AGENT_FIXED_BYTES +
      this.agentId.length +
      this.resources.bytes +
      (this.sensitive?.bytes ?? 0) +
      (this.permissions?.bytes ?? 0) +
      (this.locations ? this.locations.known.bytes + (this.locations.sessions?.size ?? 0) * SEEN_ENTRY_BYTES : 0) +
      (this.recentIds?.size ?? 0) * 16 +
      (this.rateDrop?.bytes ?? 0) +
      (this.toolTargets?.bytes ?? 0) +
      (this.toolTransitions?.bytes ?? 0)
    );
  }

  /** First event: identity, declarations and the clocks start here. */
  start(event: AuditEvent, ctx: EngineContext): void {
    this.agentClass = event.agentClass;
    this.tenant = event.tenant;
    this.declaration = ctx.declared.forAgent(this.agentId, event.agentClass);
    this.timezone = this.declaration?.timezone;
    this.firstSeenMs = this.lastSeenMs = event.timeMs;
    this.bucketStartMs = event.timeMs - (event.timeMs % ctx.settings.bucketMs);
    this.sketchDecayAtMs = event.timeMs + ctx.sketchHalvingMs;
    this.openHour(event.timeMs, ctx);
  }

  /** Learning ends after `learningPeriodMs` of history and `minLearningEvents` events. */
  isLearning(ctx: EngineContext): boolean {
    const s = ctx.settings;
    return this.lastSeenMs - this.firstSeenMs < s.learningPeriodMs || this.eventCount < s.minLearningEvents;
  }

  maturity(): { events: number; days: number } {
    return { events: this.eventCount, days: Math.round(((this.lastSeenMs - this.firstSeenMs) / DAY_MS) * 100) / 100 };
  }

  /**
   * Moves the agent's clocks to `timeMs`, closing the buckets and hours passed. An event older
   * than the current bucket (late beyond the reorder window) is counted in the current one.
   */
  advance(timeMs: number, ctx: EngineContext): void {
    const bucketMs = ctx.settings.bucketMs;
    if (timeMs < this.bucketStartMs + bucketMs) return;
    this.closeBucket(ctx);
    const emptyBuckets = Math.floor((timeMs - this.bucketStartMs) / bucketMs) - 1;
    this.fast.observeZeros(emptyBuckets);
    this.slow.observeZeros(emptyBuckets);
    this.errorRate?.skipBuckets(emptyBuckets);
    this.windows.skipBuckets(emptyBuckets, (this.bucketStartMs + bucketMs) / BLOCK_MS, bucketMs / BLOCK_MS, this.hourSlot % 24, ctx.settings.rateSpike.windows);
    this.bucketStartMs = timeMs - (timeMs % bucketMs);
    this.bucketCount = 0;
    this.bucketFailures = 0;
    this.bucketEvidence = [];
    if (timeMs >= this.sketchDecayAtMs) {
      const halvings = Math.floor((timeMs - this.sketchDecayAtMs) / ctx.sketchHalvingMs) + 1;
      this.sketch.decay(Math.pow(0.5, halvings));
      this.rateSpike.decay(Math.pow(0.5, halvings));
      this.sketchDecayAtMs += halvings * ctx.sketchHalvingMs;
      this.resources.expire(timeMs);
      this.sensitive?.expire(timeMs);
    }
    if (timeMs >= this.hourEndMs) this.closeHour(timeMs, ctx);
    else this.windows.openBucket();
    this.rateSpike.openBucket(this, ctx);
  }

  /** Counts the event in the current bucket and hour; `newResource`: its resource was never used before. */
  record(event: AuditEvent, ctx: EngineContext, newResource: boolean): void {
    this.eventCount++;
    if (event.timeMs > this.lastSeenMs) this.lastSeenMs = event.timeMs;
    this.bucketCount++;
    const limit = ctx.settings.evidenceLimit;
    if (event.outcome !== 'success') {
      this.bucketFailures++;
      (this.errorRate ??= new ErrorRateState()).recordFailure(event, newResource, limit);
    } else if (this.errorRate !== undefined) this.errorRate.last = false;
    if (this.bucketEvidence.length < limit) this.bucketEvidence.push(event.id);
    this.hourCount++;
    if (this.hourIdle) {
      const evidence = (this.offHours ??= new OffHoursState()).evidence;
      if (evidence.length < limit) evidence.push(event.id);
    }
    if (event.permission !== undefined) {
      const seen = ctx.settings.seen;
      (this.permissions ??= new NewPermissionState(seen.maxPermissions, seen.forgetAfterMs)).record(event.permission, event.timeMs, this.peers);
    }
  }

  private closeBucket(ctx: EngineContext): void {
    const learned = this.rateSpike.learnedCount(this, ctx);
    this.errorRate?.closeBucket(this.bucketCount, ctx.slowAlpha);
    this.windows.closeBucket(
      this.bucketCount,
      this.rateSpike.flagged,
      Math.floor(this.bucketStartMs / BLOCK_MS),
      this.hourSlot % 24,
      ctx.settings.rateSpike.windows,
    );
    this.fast.observe(learned);
    this.slow.observe(learned);
    this.sketch.accept(learned);
    this.peers?.observeBucket(learned, this.bucketStartMs);
    this.rateSpike.closeBucket(this, learned, ctx);
    if (learned > this.hourMaxBucket) this.hourMaxBucket = learned;
  }

  private closeHour(timeMs: number, ctx: EngineContext): void {
    const o = ctx.settings.offHours;
    const peakDecay = ctx.settings.rateSpike.peakDecayPerDay;
    // An hour that raised off_hours teaches a fraction of its events, like a flagged bucket.
    const events = this.offHours?.flagged === true ? this.discounted(this.hourCount, 0, ctx) : this.hourCount;
    this.windows.learnLevel(events, this.profile.weekly(this.hourSlot));
    this.profile.learnHour(this.hourSlot, events, this.hourMaxBucket, o.weeklyAlpha, peakDecay);
    this.peers?.observeHour(this.hourIndex, this.hourSlot, events, this.hourMaxBucket, o.weeklyAlpha, peakDecay);
    const offset = timezoneOffsetMs(this.timezone, timeMs);
    const next = localHourIndex(timeMs + offset);
    if (Math.floor(next / 24) !== Math.floor(this.hourIndex / 24)) {
      this.profile.commitDay();
      this.rateSpike.closeDay(ctx);
    }
    // Hours with no events are observations of zero; beyond a week every slot has had one.
    const skipped = Math.min(next - this.hourIndex - 1, 168);
    for (let k = 1; k <= skipped; k++) {
      const slot = hourOfWeek((this.hourIndex + k) * HOUR_MS);
      this.windows.learnLevel(0, this.profile.weekly(slot));
      this.profile.learnHour(slot, 0, 0, o.weeklyAlpha, peakDecay);
      this.peers?.observeHour(this.hourIndex + k, slot, 0, 0, o.weeklyAlpha, peakDecay);
    }
    this.openHour(timeMs, ctx, offset);
  }

  private openHour(timeMs: number, ctx: EngineContext, offset = timezoneOffsetMs(this.timezone, timeMs)): void {
    this.hourOffsetMs = offset;
    this.hourIndex = localHourIndex(timeMs + offset);
    this.hourEndMs = (this.hourIndex + 1) * HOUR_MS - offset;
    this.hourSlot = hourOfWeek(this.hourIndex * HOUR_MS);
    this.hourCount = 0;
    this.hourMaxBucket = 0;
    this.offHours = undefined;
    this.policyViolation = undefined;
    const o = ctx.settings.offHours;
    const judge = this.judgingProfile(ctx);
    this.hourBasis = judge === this.profile ? 'learned' : 'class';
    this.hourIdle = o.enabled && judge !== undefined && judge.isIdleHourOfDay(this.hourSlot % 24, o.idleEventsPerWeek);
    const r = ctx.settings.rateSpike;
    this.windows.openHour(
      this.profile,
      this.hourSlot,
      ctx.settings.bucketMs,
      r.windows,
      r.enabled && !this.isLearning(ctx),
      this.lastSeenMs - this.firstSeenMs >= DAY_MS,
    );
  }

  /** The agent's own profile once it has learned, else its mature class's, else none. */
  private judgingProfile(ctx: EngineContext): HourProfile | undefined {
    if (!this.isLearning(ctx)) return this.profile;
    return this.peers?.isMature(ctx.settings.learningPeriodMs) ? this.peers.profile : undefined;
  }

  /** What an anomalous observation teaches: the expected value plus a fraction of the excess. */
  discounted(observed: number, expected: number, ctx: EngineContext, inFull = false): number {
    if (inFull || observed <= expected) return observed;
    return expected + (observed - expected) * ctx.settings.anomalyLearningWeight;
  }
}
