import { type AgentBaseline } from '../baselines/agent-baseline.js';
import { type EngineContext } from '../engine-context.js';
import { type Detector, type Finding, DetectorName, clampScore, round2 } from './detector.js';
import { rateWindowFinding } from './rate-window-finding.js';

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
