import { type Static, Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import { CountSketch, type CountSketchSnapshot } from '../baselines/count-sketch.js';
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

// ---------------------------------------------------------------------------------------------
// State: `agent.rateSpike`, on every agent (each bucket opens with a threshold). Its snapshot keeps
// the layout of snapshot version 1 (`bucket.threshold`, `ratios`, …: agent-baseline-snapshot.ts).

const DAY_MS = 86_400_000;
/** Bucket-to-peak ratios above this are a shape for the hourly peaks to learn, not a tail. */
const MAX_TAIL_RATIO = 4;
/** Below this expected peak a ratio measures Poisson noise, not a tail. */
const MIN_TAIL_EXPECTED = 5;

export interface RateSpikeSnapshot {
  /** null: +Infinity (learning, or disabled). */
  threshold: number | null;
  expected: number;
  flagged: boolean;
  basis: 'learned' | 'class';
  /** Absent: no ratio learned yet (written as an empty sketch). */
  ratios: CountSketchSnapshot | undefined;
  tailMultiplier: number;
}

/** The empty ratio sketch as version 1 writes it: restored as none, and written back the same. */
const EMPTY_RATIOS: CountSketchSnapshot = { offset: 0, bins: [], count: 0, weight: 0 };
export const emptyRatios = (): CountSketchSnapshot => ({ ...EMPTY_RATIOS, bins: [] });
const isEmptyRatios = (s: CountSketchSnapshot) => s.offset === 0 && s.bins.length === 0 && s.count === 0 && s.weight === 0;

/**
 * rate_spike's bar for one bucket: max(minCount, ⌈max(peakMultiplier, tailMultiplier) · E⌉,
 * ⌈μ_1d + z·√μ_1d⌉), E the expected peak and μ_1d the 1-day EWMA mean. One formula for the
 * engine and for `inspect`'s per-hour thresholds.
 */
export function rateSpikeBar(r: Static<typeof RateSpikeSettingsSchema>, expected: number, tailMultiplier: number, slowMean: number): number {
  return Math.max(r.minCount, Math.ceil(Math.max(r.peakMultiplier, tailMultiplier) * expected), Math.ceil(slowMean + r.zScore * Math.sqrt(slowMean)));
}

/** What rate_spike remembers of one agent: the live bucket's bar, and how bursty the agent is. */
export class RateSpikeState {
  /** Count at which rate_spike fires in this bucket; computed when the bucket opens. */
  threshold = Number.POSITIVE_INFINITY;
  /** Typical peak bucket for this hour, reported as the expected value. */
  expected = 0;
  /** Whether rate_spike fired in this bucket (the bucket is then learned at a discount). */
  flagged = false;
  /** Whose baseline set this bucket's threshold: the agent's, or its class's while it learns. */
  basis: 'learned' | 'class' = 'learned';
  /**
   * Sketch of each bucket's count over the peak expected when it opened (×100): the agent's own
   * burstiness. Created on the first ratio learned: not on an agent's first day, nor ever for a
   * quiet one (expected peak below MIN_TAIL_EXPECTED).
   */
  ratios: CountSketch | undefined;
  /** tailMargin × the ratio quantile, as of the start of the local day (0 until trusted). */
  tailMultiplier = 0;

  /**
   * The bar of the bucket opening (see rateSpike below):
   *   max(minCount, ⌈max(peakMultiplier, tailMultiplier) · E⌉, ⌈μ_1d + z·√μ_1d⌉).
   */
  openBucket(agent: AgentBaseline, ctx: EngineContext): void {
    this.flagged = false;
    const r = ctx.settings.rateSpike;
    const learning = agent.isLearning(ctx);
    const peers = learning && agent.peers?.isMature(ctx.settings.learningPeriodMs) ? agent.peers : undefined;
    const own = peers === undefined;
    const profile = own ? agent.profile : peers.profile;
    const sketch = own ? agent.sketch : peers.sketch;
    const expected = Math.max(profile.peakAround(agent.hourSlot % 24), sketch.quantile(r.quantile));
    this.expected = expected;
    this.basis = own ? 'learned' : 'class';
    if (!r.enabled || (learning && own)) {
      this.threshold = Number.POSITIVE_INFINITY;
      return;
    }
    // A Poisson bound at the 1-day EWMA mean: a floor for hours with no history. Not the fast
    // EWMA (a gate that follows the last hour follows a slow ramp too), and not its variance (a
    // nightly batch would inflate it and blind the day).
    this.threshold = rateSpikeBar(r, expected, this.tailMultiplier, agent.slow.mean);
  }

  /**
   * What the closing bucket teaches the shared baseline. A bucket that raised rate_spike teaches
   * only a small fraction of its excess over what was expected, so a spike barely lifts the bar
   * for the next one (issue 4, learning that resists poisoning). An incident that has lasted
   * `regimeChangeMs` is a new normal, learned in full.
   */
  learnedCount(agent: AgentBaseline, ctx: EngineContext): number {
    if (!this.flagged) return agent.bucketCount;
    const open = agent.incidents?.get(DetectorName.RateSpike);
    const regimeChanged = open !== undefined && agent.bucketStartMs - open.openedMs >= ctx.settings.rateSpike.regimeChangeMs;
    return agent.discounted(agent.bucketCount, Math.max(1, this.expected), ctx, regimeChanged);
  }

  /**
   * The burstiness sketch learns how far above its expected peak E this agent's ordinary
   * buckets go. Not on the first day (E has not seen the hour yet), and not beyond
   * MAX_TAIL_RATIO: a first nightly or weekly batch run is 30× an immature E, a seasonal shape
   * for the hourly peaks to learn, not a tail that should widen the band for weeks.
   * Nor where E is a handful of events: there a ratio measures Poisson noise, not a tail.
   * And never from a bucket that raised an alert.
   */
  closeBucket(agent: AgentBaseline, learned: number, ctx: EngineContext): void {
    if (this.flagged || !(this.expected >= MIN_TAIL_EXPECTED) || !(agent.lastSeenMs - agent.firstSeenMs >= DAY_MS)) return;
    const ratio = learned / this.expected;
    if (!(ratio <= MAX_TAIL_RATIO)) return;
    const s = ctx.settings.sketch;
    (this.ratios ??= new CountSketch(s.relativeAccuracy, s.binLimit)).accept(100 * ratio);
  }

  /** Like the hourly peaks, the burstiness learned today applies from tomorrow: a slow ramp must not widen its own band. */
  closeDay(ctx: EngineContext): void {
    const r = ctx.settings.rateSpike;
    const ratios = this.ratios;
    this.tailMultiplier = ratios !== undefined && ratios.count >= r.tailMinBuckets ? (ratios.quantile(r.tailQuantile) / 100) * r.tailMargin : 0;
  }

  /** Ages the ratio sketch with the count sketch (its rolling window). */
  decay(factor: number): void {
    this.ratios?.decay(factor);
  }

  snapshot(): RateSpikeSnapshot {
    return {
      threshold: Number.isFinite(this.threshold) ? this.threshold : null,
      expected: this.expected,
      flagged: this.flagged,
      basis: this.basis,
      ratios: this.ratios?.snapshot(),
      tailMultiplier: this.tailMultiplier,
    };
  }

  static restore(s: RateSpikeSnapshot, ctx: EngineContext): RateSpikeState {
    const state = new RateSpikeState();
    state.threshold = s.threshold ?? Number.POSITIVE_INFINITY;
    state.expected = s.expected;
    state.flagged = s.flagged;
    state.basis = s.basis;
    const sk = ctx.settings.sketch;
    if (s.ratios !== undefined && !isEmptyRatios(s.ratios)) state.ratios = CountSketch.restore(s.ratios, sk.relativeAccuracy, sk.binLimit);
    state.tailMultiplier = s.tailMultiplier;
    return state;
  }
}

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
    const state = agent.rateSpike;
    if (state.flagged) return undefined;
    if (agent.bucketCount >= state.threshold) {
      state.flagged = true;
      agent.windows.cusumTripped = false;
      return bucketFinding(ctx, agent);
    }
    // Issue 14: the scan windows and the CUSUM, each a comparison against a threshold computed when the hour opened.
    // A window judges only while the live bucket is itself raised: once a burst has ended its
    // count stays in the 15-minute window for a while, which must not prolong the incident.
    const w = agent.windows;
    const which = w.firing(agent.bucketCount);
    if (which === undefined) return undefined;
    state.flagged = true;
    w.cusumTripped = false;
    return rateWindowFinding(ctx, agent, which);
  },
  rearm(agent) {
    agent.rateSpike.flagged = false;
  },
  // Feedback accepts a rate up to the incident's busiest minute (the incident book raises it as buckets close).
  pattern: (finding) => ({ magnitude: Number(finding.observed['eventsPerMinute']) }),
  bucketMagnitude: (ctx, count) => (count * 60_000) / ctx.settings.bucketMs,
};

function bucketFinding(ctx: EngineContext, agent: AgentBaseline): Finding {
  const perMinute = 60_000 / ctx.settings.bucketMs;
  const state = agent.rateSpike;
  const observed = agent.bucketCount * perMinute;
  const expected = Math.max(state.expected, 1) * perMinute;
  const ratio = observed / expected;
  const severity = ratio >= 20 ? 'critical' : ratio >= 8 ? 'high' : 'medium';
  return {
    detector: DetectorName.RateSpike,
    severity,
    score: clampScore(45 + 12 * Math.log2(ratio)),
    summary:
      `${agent.agentId} made ${round2(observed)} calls/min, ${round2(ratio)}× its usual peak of ` +
      `${round2(expected)}/min for this hour (alert threshold ${round2(state.threshold * perMinute)}/min)` +
      (state.basis === 'class' ? `, judged against its peer group ${agent.agentClass} while it learns.` : '.'),
    observed: { eventsPerMinute: round2(observed), failures: agent.bucketFailures, bucketStart: new Date(agent.bucketStartMs).toISOString() },
    expected: {
      typicalPeakPerMinute: round2(expected),
      thresholdPerMinute: round2(state.threshold * perMinute),
      ewmaMeanPerMinute: round2(agent.slow.mean * perMinute),
      recentMeanPerMinute: round2(agent.fast.mean * perMinute),
      ewmaStddevPerMinute: round2(agent.slow.stddev * perMinute),
    },
    evidence: agent.bucketEvidence.slice(),
    basis: state.basis,
  };
}
