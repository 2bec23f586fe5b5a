import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { EngineContext } from '../engine-context.js';
import { countUpperTail } from '../stats/negative-binomial.js';
import { WEEKDAY_NAMES } from '../time/timezone.js';
import { type Finding, DetectorName, clampScore, round2 } from './detector.js';

/** Which rule of rate_spike fired: the live bucket, a scan window, or the CUSUM (issue 14). */
export type RateWindowName = 'bucket' | 'short' | 'long' | 'cusum';

const pad = (n: number) => String(n).padStart(2, '0');

/** "Tue 14:00–15:00 Europe/Berlin" for a Monday-based local hour of week. */
export function localHourLabel(slot: number, timezone: string | undefined): string {
  const h = slot % 24;
  return `${WEEKDAY_NAMES[Math.floor(slot / 24) % 7] ?? '?'} ${pad(h)}:00–${pad((h + 1) % 24)}:00 ${timezone ?? 'UTC'}`;
}

/** "< 1e-9", "1.2e-5", "0.03": a tail probability as an analyst reads it. */
export function formatChance(p: number): string {
  if (!(p > 0)) return '< 1e-300';
  if (p < 1e-9) return '< 1e-9';
  if (p < 0.001) return p.toExponential(1);
  return String(round2(p));
}

function minutesLabel(buckets: number, bucketMs: number): string {
  const m = (buckets * bucketMs) / 60_000;
  return m >= 1 ? `${round2(m)} min` : `${round2((buckets * bucketMs) / 1000)} s`;
}

/**
 * Against the hour's mean rather than its busiest minute, so the bounds are about twice the
 * in-bucket rule's (20× and 8× the usual peak): one burst seen by both keeps one severity, and
 * an incident does not escalate merely because the window judged it after the bucket did.
 */
function severityOf(ratio: number, chance: number): Finding['severity'] {
  if (ratio >= 40 && chance < 1e-12) return 'critical';
  if (ratio >= 16 && chance < 1e-9) return 'high';
  return 'medium';
}

/**
 * The finding of a scan window or the CUSUM: names the window, the observed and expected counts
 * and the chance of at least that count under the agent's history (NB tail with its dispersion),
 * computed only here, when it fires.
 */
export function rateWindowFinding(ctx: EngineContext, agent: AgentBaseline, which: Exclude<RateWindowName, 'bucket'>): Finding {
  const w = agent.windows;
  const th = w.th;
  const bucketMs = ctx.settings.bucketMs;
  const buckets = which === 'short' ? th.shortBuckets : which === 'long' ? th.longBuckets : Math.max(1, w.cusumPeakBuckets);
  const observed = which === 'cusum' ? w.cusumPeakCount : w.closedSum(buckets) + agent.bucketCount;
  const expected = buckets * (which === 'cusum' ? th.cusumPerBucket : th.perBucket);
  const chance = countUpperTail(observed, expected, th.dispersion);
  const ratio = observed / Math.max(expected, 1e-9);
  const window = minutesLabel(buckets, bucketMs);
  const hour = localHourLabel(agent.hourSlot, agent.timezone);
  const threshold = which === 'short' ? th.short : which === 'long' ? th.long : null;
  const lead = which === 'cusum' ? `${observed} calls over the last ${window}, a sustained rise` : `${observed} calls in the last ${window}`;
  return {
    detector: DetectorName.RateSpike,
    severity: which === 'cusum' ? 'medium' : severityOf(ratio, chance),
    score: clampScore(40 + 10 * Math.log2(Math.max(1, ratio)) + Math.min(30, -Math.log10(Math.max(chance, 1e-300)))),
    summary: `${agent.agentId}: ${lead}; about ${round2(expected)} expected for ${hour}; chance under this agent's history ${formatChance(chance)}.`,
    observed: {
      window,
      windowBuckets: buckets,
      count: observed,
      eventsPerMinute: round2((observed * 60_000) / (buckets * bucketMs)),
      windowEnd: new Date(agent.bucketStartMs + bucketMs).toISOString(),
      rule: which === 'cusum' ? 'cusum' : 'window',
    },
    expected: {
      count: round2(expected),
      perMinute: round2(((which === 'cusum' ? th.cusumPerBucket : th.perBucket) * 60_000) / bucketMs),
      thresholdCount: threshold,
      tailProbability: chance,
      dispersion: round2(th.dispersion),
      localHour: hour,
    },
    evidence: agent.bucketEvidence.slice(),
    basis: 'learned',
  };
}
