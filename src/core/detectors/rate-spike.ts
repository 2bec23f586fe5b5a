import { Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { EngineContext } from '../engine-context.js';
import { type Detector, type Finding, DetectorName, clampScore, round2 } from './detector.js';
import { rateWindowFinding } from './rate-window-finding.js';

// Settings: composed into the engine settings as `engine.rateSpike` (engine-settings.ts).
export const RateSpikeSettingsSchema = Type.Object(
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
);

/**
 * Fires inside the bucket, on the event that makes the live count improbable:
 *   E = max(peak bucket of this local hour ±1 h, sketch quantile q of bucket counts)
 *   count ≥ max(minCount, ⌈max(peakMultiplier, tailMargin · ratio quantile) · E⌉, ⌈μ_1d + z·√μ_1d⌉)
 * The hour-of-day peak learns recurring shapes (nightly batch, business hours; weekends fade it
 * slowly); the count sketch is a floor where an hour has little history; the ratio sketch
 * (bucket / E, over the rolling window) widens the band for agents whose traffic is heavy-tailed;
 * the 1-day EWMA with a Poisson floor covers agents with little hourly history. Hourly peaks are
 * read as they stood at the start of the local day, so a slow ramp over hours cannot carry the
 * threshold up with it. Computed once per bucket.
 */
export const rateSpike: Detector = {
  name: DetectorName.RateSpike,
  learned: true,
  enabled: (ctx) => ctx.settings.rateSpike.enabled,
  check(ctx, agent) {
    if (agent.bucketFlagged) return undefined;
    if (agent.bucketCount >= agent.bucketThreshold) {
      agent.bucketFlagged = true;
      agent.windows.cusumTripped = false;
      return bucketFinding(ctx, agent);
    }
    // Issue 14: the scan windows and the CUSUM, each a comparison against a threshold computed when the hour opened.
    // A window judges only while the live bucket is itself raised: once a burst has ended its
    // count stays in the 15-minute window for a while, which must not prolong the incident.
    const w = agent.windows;
    const live = agent.bucketCount >= w.th.liveMin;
    const which =
      live && w.closedShort + agent.bucketCount >= w.th.short
        ? 'short'
        : live && w.closedLong + agent.bucketCount >= w.th.long
          ? 'long'
          : w.cusumTripped
            ? 'cusum'
            : undefined;
    if (which === undefined) return undefined;
    agent.bucketFlagged = true;
    w.cusumTripped = false;
    return rateWindowFinding(ctx, agent, which);
  },
  rearm(agent) {
    agent.bucketFlagged = false;
  },
  // Feedback accepts a rate up to the incident's busiest minute (the incident book raises it as buckets close).
  pattern: (finding) => ({ magnitude: Number(finding.observed['eventsPerMinute']) }),
  bucketMagnitude: (ctx, count) => (count * 60_000) / ctx.settings.bucketMs,
};

function bucketFinding(ctx: EngineContext, agent: AgentBaseline): Finding {
  const perMinute = 60_000 / ctx.settings.bucketMs;
  const observed = agent.bucketCount * perMinute;
  const expected = Math.max(agent.bucketExpected, 1) * perMinute;
  const ratio = observed / expected;
  const severity = ratio >= 20 ? 'critical' : ratio >= 8 ? 'high' : 'medium';
  return {
    detector: DetectorName.RateSpike,
    severity,
    score: clampScore(45 + 12 * Math.log2(ratio)),
    summary:
      `${agent.agentId} made ${round2(observed)} calls/min, ${round2(ratio)}× its usual peak of ` +
      `${round2(expected)}/min for this hour (alert threshold ${round2(agent.bucketThreshold * perMinute)}/min)` +
      (agent.bucketBasis === 'class' ? `, judged against its peer group ${agent.agentClass} while it learns.` : '.'),
    observed: { eventsPerMinute: round2(observed), failures: agent.bucketFailures, bucketStart: new Date(agent.bucketStartMs).toISOString() },
    expected: {
      typicalPeakPerMinute: round2(expected),
      thresholdPerMinute: round2(agent.bucketThreshold * perMinute),
      ewmaMeanPerMinute: round2(agent.slow.mean * perMinute),
      recentMeanPerMinute: round2(agent.fast.mean * perMinute),
      ewmaStddevPerMinute: round2(agent.slow.stddev * perMinute),
    },
    evidence: agent.bucketEvidence.slice(),
    basis: agent.bucketBasis,
  };
}
