import { type Static, Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { EngineContext } from '../engine-context.js';
import type { FindingPattern } from '../feedback/finding-pattern.js';
import { countLowerTail, countZeroChance } from '../stats/negative-binomial.js';
import { WEEKDAY_NAMES, hourOfWeek, timezoneOffsetMs } from '../time/timezone.js';
import { type Detector, DetectorName, type Finding, clampScore } from './detector.js';
import { RateDropState } from './rate-drop-state.js';

/**
 * The rate_drop detector (issue 14, item 3): its settings slice, the expectation it judges
 * against, its finding and the `Detector` object; its per-agent state is in rate-drop-state.ts.
 * Exports: RateDropSettingsSchema, RateDropSettings, expectedBetween, rateDrop.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 86_400_000;
/** The expectation of a gap is summed over at most its last day: evidence enough, and a bounded cost per judgment. */
const MAX_LOOKBACK_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Settings: composed into the engine settings as `engine.rateDrop` (engine-settings.ts).

export const RateDropSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    tailProbability: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.01,
      default: 1e-7,
      description: "Fire when the chance of so few events (none, for a silence) under the agent's hour-of-week history is below this.",
    }),
    minExpectedEvents: Type.Number({ minimum: 1, default: 10, description: 'Never judge a gap or window in which fewer events than this were expected.' }),
    windowMs: Type.Integer({
      minimum: 5 * MINUTE_MS,
      maximum: HOUR_MS,
      multipleOf: MINUTE_MS,
      default: 15 * MINUTE_MS,
      description: 'Window of the drop test (an agent still sending, far less than usual).',
    }),
    dropFraction: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.25,
      description: 'A window is a drop only at or below this share of its expected count.',
    }),
    dispersion: Type.Number({
      minimum: 1,
      maximum: 100,
      default: 2,
      description:
        "Least variance over mean of event counts assumed for the tail test (1: Poisson); the agent's own, learned from its windows below expectation, replaces it when larger.",
    }),
    judgeEveryMs: Type.Integer({
      minimum: MINUTE_MS,
      maximum: HOUR_MS,
      multipleOf: MINUTE_MS,
      default: 5 * MINUTE_MS,
      description: 'Each agent is judged on the whole multiples of this of event time (the fleet-wide tick).',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type RateDropSettings = Static<typeof RateDropSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// State: `agent.rateDrop`, a RateDropState (rate-drop-state.ts, with its snapshot form), created
// by `check` on the agent's first event.

// ---------------------------------------------------------------------------------------------
// Expectation: the agent's hour-of-week profile in its own time zone.

/**
 * Events expected in [fromMs, toMs): each local hour contributes the smallest weekly count of
 * itself and its two neighbours (pro rata of the part covered), so the edges of business hours,
 * a job that drifts across an hour, and an undeclared zone's daylight-saving shift never count as
 * expected activity; hours never observed count as none.
 */
export function expectedBetween(agent: AgentBaseline, fromMs: number, toMs: number): number {
  let sum = 0;
  for (let t = fromMs; t < toMs;) {
    const offset = timezoneOffsetMs(agent.timezone, t);
    const local = t + offset;
    const next = Math.min(toMs, t + HOUR_MS - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS));
    const slot = hourOfWeek(local);
    let low = Number.POSITIVE_INFINITY;
    for (let d = -1; d <= 1; d++) {
      const v = agent.profile.weekly((slot + d + 168) % 168);
      low = Math.min(low, Number.isNaN(v) ? 0 : v);
    }
    sum += (low * (next - t)) / HOUR_MS;
    t = next;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// The check: on events it only counts; the fleet-wide tick judges.

interface Judgment {
  kind: 'silence' | 'drop';
  fromMs: number;
  toMs: number;
  observed: number;
  expected: number;
  chance: number;
  dispersion: number;
}

/** The last `windowMs` before `atMs`: events seen and expected. */
function windowAt(r: RateDropSettings, agent: AgentBaseline, s: RateDropState, atMs: number): { fromMs: number; observed: number; expected: number } {
  const fromMs = atMs - r.windowMs;
  const expected = expectedBetween(agent, fromMs, atMs);
  // Below the minimum the count is never used: most judgments of quiet agents stop here.
  return { fromMs, observed: expected >= r.minExpectedEvents ? s.countBetween(agent, r.windowMs / MINUTE_MS, fromMs, atMs) : 0, expected };
}

function judge(
  r: RateDropSettings,
  agent: AgentBaseline,
  phi: number,
  w: { fromMs: number; observed: number; expected: number },
  atMs: number,
): Judgment | undefined {
  const gapFrom = Math.max(agent.lastSeenMs + 1, atMs - MAX_LOOKBACK_MS);
  if (gapFrom < atMs) {
    const expected = expectedBetween(agent, gapFrom, atMs);
    if (expected >= r.minExpectedEvents) {
      const chance = countZeroChance(expected, phi);
      if (chance < r.tailProbability) return { kind: 'silence', fromMs: agent.lastSeenMs, toMs: atMs, observed: 0, expected, chance, dispersion: phi };
    }
  }
  if (w.expected < r.minExpectedEvents || w.observed > r.dropFraction * w.expected) return undefined;
  const chance = countLowerTail(w.observed, w.expected, phi);
  return chance < r.tailProbability
    ? { kind: 'drop', fromMs: w.fromMs, toMs: atMs, observed: w.observed, expected: w.expected, chance, dispersion: phi }
    : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

function localLabel(agent: AgentBaseline, fromMs: number, toMs: number): string {
  const tz = agent.timezone ?? 'UTC';
  const from = fromMs + timezoneOffsetMs(agent.timezone, fromMs);
  const to = toMs + timezoneOffsetMs(agent.timezone, toMs);
  const hm = (local: number) =>
    `${pad(Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS))}:${pad(Math.floor((((local % HOUR_MS) + HOUR_MS) % HOUR_MS) / MINUTE_MS))}`;
  const day = (local: number) => WEEKDAY_NAMES[Math.floor(hourOfWeek(local) / 24)] as string;
  return `${day(from)} ${hm(from)}–${day(to) === day(from) ? '' : `${day(to)} `}${hm(to)} ${tz}`;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  const h = Math.floor(minutes / 60);
  return h === 0 ? `${minutes} min` : `${h} h ${minutes % 60} min`;
}

/** "< 1e-9": the power of ten just above the chance. */
function chanceBound(p: number): string {
  return p <= 0 ? '< 1e-300' : `< 1e${Math.ceil(Math.log10(p))}`;
}

function finding(agent: AgentBaseline, r: RateDropSettings, j: Judgment): Finding {
  const window = localLabel(agent, j.fromMs, j.toMs);
  const expected = Math.round(j.expected * 10) / 10;
  const about = expected >= 10 ? Math.round(expected) : expected;
  const chance = chanceBound(j.chance);
  const what =
    j.kind === 'silence'
      ? `sent no event for ${duration(j.toMs - j.fromMs)}`
      : `sent ${j.observed} event${j.observed === 1 ? '' : 's'} in the last ${duration(j.toMs - j.fromMs)}`;
  return {
    detector: DetectorName.RateDrop,
    severity: j.kind === 'silence' ? 'medium' : 'low',
    score: clampScore(40 + 2 * -Math.log10(Math.max(j.chance, 1e-300))),
    summary: `${agent.agentId} ${what}; about ${about} expected for ${window}; chance under this agent's history ${chance}.`,
    observed: {
      kind: j.kind,
      events: j.observed,
      windowStart: new Date(j.fromMs).toISOString(),
      windowEnd: new Date(j.toMs).toISOString(),
      minutes: Math.round((j.toMs - j.fromMs) / MINUTE_MS),
    },
    expected: {
      events: expected,
      window,
      chance: Number(j.chance.toPrecision(2)),
      tailProbability: r.tailProbability,
      dispersion: Math.round(j.dispersion * 100) / 100,
    },
    evidence: agent.rateDrop?.lastEventId ? [agent.rateDrop.lastEventId] : [],
    basis: 'learned',
    ...(agent.rateDrop?.lastEventId && { eventId: agent.rateDrop.lastEventId }),
  };
}

/**
 * An agent expected to be active that goes silent or drops far below its usual rate (issue 14
 * item 3): audit logging switched off, a revoked credential, a crashed or replaced agent.
 * Judged from the engine's event-time tick, since a silent agent sends nothing to judge on:
 * - silence: no event since its last one, where its hour-of-week profile expected at least
 *   `minExpectedEvents` and P(0 | μ, φ) = φ^(−μ/(φ−1)) < tailProbability (negative binomial);
 * - drop: over the last `windowMs`, at most `dropFraction` of the expected count and
 *   P(X ≤ n | μ, φ) < tailProbability.
 * Only after a full learned week. One incident per drop: while it holds, the open incident is
 * kept open (heldUntil) rather than re-raised, and it resolves `cooldownMs` after activity returns.
 */
export const rateDrop: Detector = {
  // A literal, not DetectorName.RateDrop: engine-settings.ts imports this file for its settings
  // while detector.ts may still be loading (an import cycle through the baseline's types).
  name: 'rate_drop',
  learned: true,
  enabled: (ctx) => ctx.settings.rateDrop.enabled,
  check(ctx, agent, event) {
    const windowMinutes = ctx.settings.rateDrop.windowMs / MINUTE_MS;
    (agent.rateDrop ??= new RateDropState(windowMinutes, ctx.settings.bucketMs)).record(agent, windowMinutes, event.timeMs, event.id);
    return undefined;
  },
  tick(ctx: EngineContext, agent: AgentBaseline, nowMs: number): Finding | undefined {
    const s = agent.rateDrop;
    const r = ctx.settings.rateDrop;
    if (s === undefined) return undefined;
    const atMs = nowMs - (((nowMs % r.judgeEveryMs) + r.judgeEveryMs) % r.judgeEveryMs);
    if (atMs <= s.judgedMs) return undefined;
    s.judgedMs = atMs;
    const w = windowAt(r, agent, s, atMs);
    // Seen within a window that expects too little to judge: its gap expects even less.
    if (w.expected < r.minExpectedEvents && agent.lastSeenMs >= w.fromMs) return undefined;
    const j = agent.isLearning(ctx) || atMs - agent.firstSeenMs < WEEK_MS ? undefined : judge(r, agent, Math.max(r.dispersion, s.dispersion), w, atMs);
    if (j === undefined) {
      if (w.expected >= r.minExpectedEvents) s.learnWindow(w.observed, w.expected);
      return undefined;
    }
    const open = agent.incidents?.get(DetectorName.RateDrop);
    if (open !== undefined && open.resolved !== true) {
      s.heldMs = atMs;
      return undefined;
    }
    return finding(agent, r, j);
  },
  tickEveryMs: (ctx) => ctx.settings.rateDrop.judgeEveryMs,
  heldUntil: (agent) => agent.rateDrop?.heldMs,
  pattern(finding, agent): FindingPattern {
    const from = Date.parse(String(finding.observed['windowStart']));
    const local = from + timezoneOffsetMs(agent.timezone, from);
    return { key: `${String(finding.observed['kind'])}:${WEEKDAY_NAMES[Math.floor(hourOfWeek(local) / 24)]} ${pad(hourOfWeek(local) % 24)}` };
  },
};
