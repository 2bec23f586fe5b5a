import { Type } from '@sinclair/typebox';
import { wilsonLowerBound } from '../baselines/error-window.js';
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
    const errors = agent.errors;
    if (!agent.lastSuspicious || errors === undefined || agent.bucketErrorFlagged || agent.isLearning(ctx)) return undefined;
    const e = ctx.settings.errorRate;
    const { calls, suspicious } = errors.totals(agent.bucketCount, agent.bucketSuspicious);
    if (suspicious < e.minErrors) return undefined;
    const lower = wilsonLowerBound(suspicious, calls, e.z);
    const bar = Math.max(e.minRatio, e.ratioMultiplier * errors.ratio);
    if (lower < bar) return undefined;
    agent.bucketErrorFlagged = true;
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
      evidence: agent.errorEvidence?.length ? agent.errorEvidence.slice() : agent.bucketEvidence.slice(),
      basis: 'learned',
    };
  },
  rearm(agent) {
    agent.bucketErrorFlagged = false;
  },
  pattern: (finding) => ({ magnitude: Number(finding.observed['share']) }),
};
