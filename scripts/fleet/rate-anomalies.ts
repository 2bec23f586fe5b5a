import { activeStart, fixedOp, fmt, type PlanContext, type Placement, spread, usualAt } from './anomaly-kinds.js';
import { derive, type Rng } from './prng.js';
import { MINUTE_MS } from './timezones.js';
import { cachedLocalDay, makeEvent, setClock } from './traffic.js';
import { type AgentProfile, type AnomalyPlan, type GenEvent, RATE_KINDS, type RateKind } from './types.js';
import type { EventSink } from './window-buffer.js';

export function isRateKind(kind: string): kind is RateKind {
  return (RATE_KINDS as readonly string[]).includes(kind);
}

/** Fewest added calls a burst or a rise brings, so that even on a quiet agent it is an event. */
const MIN_EXTRA = { burst: 6, rise: 4 } as const;
/** A silence must swallow at least this many expected calls: fewer is a lull, not a silence. */
const MIN_SILENCED = 10;

/** The agent's usual rate (hour-averaged, events/min) for each minute of a window. */
function usualPerMinute(pc: PlanContext, agent: AgentProfile, t: number, minutes: number): number[] {
  const out: number[] = [];
  for (let m = 0; m < minutes; m++) out.push(usualAt(pc, agent, t + m * MINUTE_MS));
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const who = (agent: AgentProfile): 'quiet' | 'busy' => (agent.quiet ? 'quiet' : 'busy');

/**
 * A burst (8–25x for 5–30 min) or a rise (2–6x for 30–120 min) on top of the agent's usual rate
 * at that time: the added calls are (multiplier − 1) × usual, minute by minute, with no floor,
 * so a quiet agent's burst is a quiet agent's burst. Too short to add `MIN_EXTRA` calls, the
 * window is lengthened within the kind's range; if even that is too little, no placement.
 */
function placeIncrease(kind: 'burst' | 'rise', pc: PlanContext, agent: AgentProfile, day: number, rng: Rng, erng: Rng): Placement | undefined {
  const [lo, hi, mlo, mhi] = kind === 'burst' ? [5, 30, 8, 25] : [30, 120, 2, 6];
  // The longest window must fit (business hours, away from batch runs), so it may be lengthened.
  const t = activeStart(pc, agent, day, hi, rng);
  if (t === undefined) return undefined;
  const mult = rng.range(mlo, mhi);
  const usualAll = usualPerMinute(pc, agent, t, hi);
  let minutes = rng.int(lo, hi);
  while (minutes < hi && (mult - 1) * sum(usualAll.slice(0, minutes)) < MIN_EXTRA[kind]) minutes++;
  const usual = usualAll.slice(0, minutes);
  const extra = (mult - 1) * sum(usual);
  if (extra < MIN_EXTRA[kind]) return undefined;
  const mean = sum(usual) / minutes;
  const loop = kind === 'burst' && rng.chance(0.5);
  const end = t + minutes * MINUTE_MS;
  const what = kind === 'burst' ? (loop ? 'burst (retry loop)' : 'burst') : 'sustained rise';
  return {
    startMs: t,
    endMs: end,
    description: `${what}: about ${fmt(mult * mean)} calls/min for ${minutes} min, ${mult.toFixed(1)}x its usual ${mean < 0.1 ? mean.toFixed(2) : fmt(mean)}/min for this time (${who(agent)} agent)`,
    details: {
      multiplier: Number(mult.toFixed(2)),
      minutes,
      usualPerMinute: Number(mean.toFixed(3)),
      expectedUsual: Number(sum(usual).toFixed(1)),
      expectedExtra: Number(extra.toFixed(1)),
      agentRate: who(agent),
      archetype: agent.archetype,
    },
    build: (label) => {
      const out: GenEvent[] = [];
      setClock(agent, t, pc.startMs);
      const repeated = fixedOp(agent.ops.pick(erng), erng, agent);
      for (let m = 0; m < minutes; m++) {
        const n = erng.poisson((mult - 1) * (usual[m] as number));
        for (const at of spread(erng, t + m * MINUTE_MS, t + (m + 1) * MINUTE_MS, n)) {
          out.push(makeEvent(agent, erng, at, loop && erng.next() < 0.85 ? repeated : agent.ops.pick(erng), label));
        }
      }
      // Never an empty label: a window with no added call is no anomaly at all.
      if (out.length === 0) out.push(makeEvent(agent, erng, t + erng.int(0, minutes * MINUTE_MS - 1), agent.ops.pick(erng), label));
      return out;
    },
  };
}

/**
 * A silence: an active agent, at a time it normally works, sends nothing at all for 2–8 hours
 * (a crashed worker, a revoked credential nobody noticed, an exfiltration tool that replaced it).
 * Its normal traffic is still drawn and then dropped (silenceFilter), so nothing else moves.
 */
function placeSilence(pc: PlanContext, agent: AgentProfile, day: number, rng: Rng): Placement | undefined {
  let minutes = rng.int(120, 480);
  if (agent.archetype === 'business') {
    const ld = cachedLocalDay(pc.seed, agent, day, pc.startWeekday);
    minutes = Math.min(minutes, ld.end - ld.start - 90);
    if (minutes < 120) return undefined;
  }
  const t = activeStart(pc, agent, day, minutes, rng);
  if (t === undefined) return undefined;
  const usual = usualPerMinute(pc, agent, t, minutes);
  const expected = sum(usual);
  // Expected to be active throughout: no idle hour inside, and enough calls to miss.
  if (expected < MIN_SILENCED || Math.min(...usual) < 0.02) return undefined;
  const end = t + minutes * MINUTE_MS;
  const hours = minutes / 60;
  return {
    startMs: t,
    endMs: end,
    description: `silence: no call at all for ${hours.toFixed(1)} h where about ${expected.toFixed(0)} were expected (${fmt(expected / minutes)}/min, ${who(agent)} agent)`,
    details: {
      minutes,
      usualPerMinute: Number((expected / minutes).toFixed(3)),
      expectedUsual: Number(expected.toFixed(1)),
      agentRate: who(agent),
      archetype: agent.archetype,
    },
    build: () => [],
  };
}

export function placeRate(kind: RateKind, pc: PlanContext, agent: AgentProfile, day: number, rng: Rng): Placement | undefined {
  const erng = derive(pc.seed, 'anomaly-events', kind, agent.index, day);
  return kind === 'silence' ? placeSilence(pc, agent, day, rng) : placeIncrease(kind, pc, agent, day, rng, erng);
}

/** Drops every event of a silenced agent inside its silence (inclusive ends); `out` itself when there is none. */
export function silenceFilter(plans: readonly AnomalyPlan[], out: EventSink): EventSink {
  const windows = new Map<AgentProfile, [number, number][]>();
  for (const p of plans) if (p.kind === 'silence') windows.set(p.agent, [...(windows.get(p.agent) ?? []), [p.startMs, p.endMs]]);
  if (windows.size === 0) return out;
  return {
    push(e: GenEvent): void {
      const own = windows.get(e.agent);
      if (own && own.some(([s, end]) => e.t >= s && e.t <= end)) return;
      out.push(e);
    },
  };
}
