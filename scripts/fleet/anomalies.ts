import { place, type Placement, type PlanContext } from './anomaly-kinds.js';
import { derive, type Rng } from './prng.js';
import { BUSY_RATE, meanActiveRate } from './quiet.js';
import { isRateKind, placeRate } from './rate-anomalies.js';
import { placeRollout } from './rollout.js';
import { DAY_MS, MINUTE_MS } from './timezones.js';
import { type AgentProfile, ALL_KINDS, type AnomalyKind, type AnomalyPlan, type ResolvedOptions } from './types.js';

/** Agents that can plausibly show each kind. */
function eligible(kind: AnomalyKind, a: AgentProfile): boolean {
  switch (kind) {
    case 'off_hours':
      return a.archetype === 'business';
    default:
      return true;
  }
}

function placeKind(kind: AnomalyKind, pc: PlanContext, agent: AgentProfile, day: number, rng: Rng, moderate: boolean): Placement | undefined {
  if (kind === 'rollout') return placeRollout(pc, agent, day, rng);
  return isRateKind(kind) ? placeRate(kind, pc, agent, day, rng) : place(kind, pc, agent, day, rng, moderate);
}

/** Windows of one agent's anomalies never overlap, nor sit this close to each other. */
const GAP_MS = 30 * MINUTE_MS;

/**
 * Places the anomalies: per kind about 3 per 40 agents per 3 weeks of post-learning time,
 * stratified over the days, spread over agents (fewest anomalies first), never overlapping on
 * one agent and never before the learning period ends.
 */
export function planAnomalies(
  opts: ResolvedOptions,
  agents: readonly AgentProfile[],
  pc: PlanContext,
  busy: readonly { agent: AgentProfile; start: number; end: number }[] = [],
): AnomalyPlan[] {
  const firstDay = opts.learningDays;
  const lastDay = opts.days - 1;
  if (firstDay > lastDay || agents.length === 0) return [];
  const earliest = opts.startMs + firstDay * DAY_MS;
  const latest = opts.startMs + opts.days * DAY_MS;
  const windows = new Map<AgentProfile, [number, number][]>();
  for (const b of busy) windows.set(b.agent, [...(windows.get(b.agent) ?? []), [b.start, b.end]]);
  const perAgent = new Map<AgentProfile, number>();
  const placed: { kind: AnomalyKind; agent: AgentProfile; p: Placement }[] = [];
  for (const kind of ALL_KINDS) {
    if (!opts.kinds.includes(kind)) continue;
    const rng = derive(opts.seed, 'anomalies', kind);
    const pool = rng.shuffle(agents.filter((a) => eligible(kind, a)));
    if (pool.length === 0) continue;
    const days = lastDay - firstDay + 1;
    const expected = rng.range(2, 4) * opts.anomalyRate * (agents.length / 40) * (days / 21);
    const count = Math.max(1, Math.round(expected));
    const moderate = kind === 'rate_spike' ? (count >= 4 ? 2 : 1) : 0;
    // Rate kinds alternate busy agents (≥ 1 event/min) and quiet ones, when the fleet has quiet ones.
    const alternate = isRateKind(kind) && pool.some((a) => a.quiet);
    const busyAgent = (a: AgentProfile): boolean => !a.quiet && meanActiveRate(a, opts.days) >= BUSY_RATE;
    for (let i = 0; i < count; i++) {
      const lo = firstDay + Math.floor((i * days) / count);
      const hi = Math.max(lo, firstDay + Math.floor(((i + 1) * days) / count) - 1);
      for (let attempt = 0; attempt < 60; attempt++) {
        // A moderate spike needs a busy, non-heavy agent; if none fits, settle for a full one.
        const wantModerate = i < moderate && attempt < 40;
        const wantQuiet = alternate && attempt < 40 ? i % 2 === 1 : undefined;
        const candidates = pool
          .filter((a) => !(wantModerate && a.archetype === 'heavy'))
          .filter((a) => wantQuiet === undefined || (wantQuiet ? a.quiet : busyAgent(a)))
          .sort((a, b) => (perAgent.get(a) ?? 0) - (perAgent.get(b) ?? 0));
        if (candidates.length === 0) break;
        // Mostly the least-used agents, with some randomness so the choice is not a round-robin.
        const agent = candidates[Math.min(candidates.length - 1, Math.floor(rng.next() * rng.next() * candidates.length))] as AgentProfile;
        const day = rng.int(lo, attempt < 30 ? hi : lastDay);
        const p = placeKind(kind, pc, agent, day, rng, wantModerate);
        if (!p || p.startMs < earliest || p.endMs > latest) continue;
        const taken = windows.get(agent) ?? [];
        if (taken.some(([s, e]) => p.startMs < e + GAP_MS && p.endMs > s - GAP_MS)) continue;
        taken.push([p.startMs, p.endMs]);
        windows.set(agent, taken);
        perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
        placed.push({ kind, agent, p });
        break;
      }
    }
  }
  placed.sort((a, b) => a.p.startMs - b.p.startMs || a.agent.index - b.agent.index);
  return placed.map(({ kind, agent, p }, index) => ({
    index,
    kind,
    agent,
    startMs: p.startMs,
    endMs: p.endMs,
    description: p.description,
    details: p.details,
    build: () => p.build(index),
    eventCount: 0,
    evidence: [],
  }));
}
