import { type Static, Type } from '@sinclair/typebox';
import type { AuditEvent } from '../events/audit-event.js';
import { type Detector, DetectorName, clampScore, round2 } from './detector.js';

// Settings: composed into the engine settings as `engine.errorRate` (engine-settings.ts).
export const ErrorRateSettingsSchema = Type.Object(
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
);

// ---------------------------------------------------------------------------------------------
// State: `agent.errorRate`, created at the agent's first failed call (most never fail). Its
// snapshot keeps the layout of snapshot version 1 (`errors`, `bucket.suspicious`, …:
// agent-baseline-snapshot.ts).

/** Closed buckets in the window (settings' `windowBuckets`, a literal 5). */
const WINDOW_BUCKETS = 5;
/** (calls, suspicious) pairs: restore copies them into an Int32Array of exactly this size. */
const RING = 2 * WINDOW_BUCKETS;

export const ErrorWindowSnapshotSchema = Type.Object({
  ring: Type.Array(Type.Integer(), { minItems: RING, maxItems: RING }),
  pos: Type.Integer({ minimum: 0, maximum: RING - 2, multipleOf: 2 }),
  ratio: Type.Number(),
});
export type ErrorWindowSnapshot = Static<typeof ErrorWindowSnapshotSchema>;

export interface ErrorRateSnapshot {
  window: ErrorWindowSnapshot;
  suspicious: number;
  flagged: boolean;
  evidence: string[] | undefined;
}

/**
 * Calls and suspicious errors over the last few buckets, the agent's usual suspicious-error
 * ratio, and the live bucket's suspicious errors. A suspicious error is a denial, or a failure
 * on a resource the agent has never used: permission enumeration and guessing names look like
 * that, while a provider outage or a rotated credential fails the agent's usual calls.
 */
export class ErrorRateState {
  /** Pairs (calls, suspicious) of the last WINDOW_BUCKETS closed buckets. */
  private ring = new Int32Array(RING);
  private pos = 0;
  /** EWMA of the per-bucket suspicious ratio (buckets with calls only). */
  ratio = 0;
  /** Suspicious errors in the live bucket. */
  suspicious = 0;
  /** Whether error_rate fired in the live bucket (it is then not learned as usual). */
  flagged = false;
  /** Whether the event just recorded was a suspicious error: only then is the detector judged. */
  last = false;
  /** The live bucket's suspicious errors (up to evidenceLimit), created on the first. */
  evidence: string[] | undefined;

  /** A failed call; `newResource`: on a resource the agent never used before. */
  recordFailure(event: AuditEvent, newResource: boolean, evidenceLimit: number): void {
    this.last = event.outcome === 'denied' || newResource;
    if (!this.last) return;
    this.suspicious++;
    const evidence = (this.evidence ??= []);
    if (evidence.length < evidenceLimit) evidence.push(event.id);
  }

  /** The live bucket closed with `calls` calls: it enters the window, and (unless it fired) teaches the usual ratio. */
  closeBucket(calls: number, alpha: number): void {
    this.slide(calls, this.suspicious, alpha, this.flagged);
    this.suspicious = 0;
    this.flagged = false;
    if (this.evidence) this.evidence = undefined;
  }

  /** Empty buckets slide the window. */
  skipBuckets(n: number): void {
    for (let i = 0; i < Math.min(n, WINDOW_BUCKETS); i++) this.slide(0, 0, 0, true);
  }

  /** Totals over the window plus the bucket in progress. */
  totals(currentCalls: number): { calls: number; suspicious: number } {
    let calls = currentCalls;
    let suspicious = this.suspicious;
    for (let i = 0; i < this.ring.length; i += 2) {
      calls += this.ring[i] as number;
      suspicious += this.ring[i + 1] as number;
    }
    return { calls, suspicious };
  }

  private slide(calls: number, suspicious: number, alpha: number, anomalous: boolean): void {
    this.ring[this.pos] = calls;
    this.ring[this.pos + 1] = suspicious;
    this.pos = (this.pos + 2) % this.ring.length;
    if (calls > 0 && !anomalous) this.ratio += alpha * (suspicious / calls - this.ratio);
  }

  snapshot(): ErrorRateSnapshot {
    return {
      window: { ring: Array.from(this.ring), pos: this.pos, ratio: this.ratio },
      suspicious: this.suspicious,
      flagged: this.flagged,
      evidence: this.evidence?.slice(),
    };
  }

  static restore(s: ErrorRateSnapshot): ErrorRateState {
    const state = new ErrorRateState();
    state.ring = Int32Array.from(s.window.ring);
    state.pos = s.window.pos;
    state.ratio = s.window.ratio;
    state.suspicious = s.suspicious;
    state.flagged = s.flagged;
    state.evidence = s.evidence?.slice();
    return state;
  }
}

/** Wilson score interval, lower bound (Wilson 1927): a ratio that stays honest at low counts. */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return (centre - margin) / (1 + z2 / trials);
}

/**
 * A burst of suspicious errors — denials, and failures on resources the agent has never used —
 * against the agent's usual share, over a sliding window of a few buckets, as in
 * credential probing or permission enumeration. Robust at low counts: the Wilson lower bound of
 * the share (not the raw share) must clear the bar, after at least `minErrors` of them, so two
 * denials in a quiet minute are not an incident and thirty among forty calls are. Outages and
 * rotated credentials fail the agent's usual calls and do not count.
 */
export const errorRate: Detector = {
  name: DetectorName.ErrorRate,
  learned: true,
  enabled: (ctx) => ctx.settings.errorRate.enabled,
  check(ctx, agent) {
    const errors = agent.errorRate;
    if (errors === undefined || !errors.last || errors.flagged || agent.isLearning(ctx)) return undefined;
    const e = ctx.settings.errorRate;
    const { calls, suspicious } = errors.totals(agent.bucketCount);
    if (suspicious < e.minErrors) return undefined;
    const lower = wilsonLowerBound(suspicious, calls, e.z);
    const bar = Math.max(e.minRatio, e.ratioMultiplier * errors.ratio);
    if (lower < bar) return undefined;
    errors.flagged = true;
    const share = suspicious / calls;
    const minutes = Math.round(((e.windowBuckets + 1) * ctx.settings.bucketMs) / 60_000);
    return {
      detector: DetectorName.ErrorRate,
      severity: share >= 0.5 && suspicious >= 3 * e.minErrors ? 'high' : 'medium',
      score: clampScore(40 + 40 * lower + Math.min(20, suspicious / 3)),
      summary:
        `${agent.agentId} had ${suspicious} denied or unfamiliar failing calls among ${calls} in the last ${minutes} min ` +
        `(${Math.round(share * 100)} %, usually ${round2(errors.ratio * 100)} %): probing or enumeration?`,
      observed: { suspiciousErrors: suspicious, calls, share: round2(share), shareLowerBound: round2(lower) },
      expected: { usualShare: round2(errors.ratio), bar: round2(bar), minErrors: e.minErrors },
      evidence: errors.evidence?.length ? errors.evidence.slice() : agent.bucketEvidence.slice(),
      basis: 'learned',
    };
  },
  rearm(agent) {
    if (agent.errorRate) agent.errorRate.flagged = false;
  },
  pattern: (finding) => ({ magnitude: Number(finding.observed['share']) }),
};
