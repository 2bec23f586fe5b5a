import { inBurst, usualHourlyRate } from './archetypes.js';
import { enumerationOps, privilegedFor, sensitiveCandidates } from './anomaly-targets.js';
import { foreignLocation, publicIp, sourceLoc } from './geo.js';
import { derive, type Rng } from './prng.js';
import { DAY_MS, localToUtc, MINUTE_MS, utcOffsetMinutes } from './timezones.js';
import { cachedLocalDay, makeEvent, permissionEvent, setClock } from './traffic.js';
import type { AgentProfile, DefaultKind, GenEvent, Op } from './types.js';

export interface PlanContext {
  seed: number;
  startMs: number;
  startWeekday: number;
  agents: readonly AgentProfile[];
}

/** A placed anomaly before it gets its label index. */
export interface Placement {
  startMs: number;
  endMs: number;
  description: string;
  details: Record<string, string | number | string[]>;
  build: (label: number) => GenEvent[];
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The agent's local day and minute at a UTC instant. */
function localAt(pc: PlanContext, agent: AgentProfile, t: number): { index: number; minute: number } {
  const local = t + utcOffsetMinutes(agent.timezone, t) * MINUTE_MS - pc.startMs;
  return { index: Math.floor(local / DAY_MS), minute: Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS) };
}

export function usualAt(pc: PlanContext, agent: AgentProfile, t: number): number {
  const { index, minute } = localAt(pc, agent, t);
  const ld = cachedLocalDay(pc.seed, agent, index, pc.startWeekday);
  return usualHourlyRate(agent, ld, minute, (t - pc.startMs) / DAY_MS);
}

/**
 * A start time on local day `day` when the agent is normally working, away from its batch runs
 * (a spike on top of a batch is indistinguishable from the batch).
 */
export function activeStart(pc: PlanContext, agent: AgentProfile, day: number, minutes: number, rng: Rng): number | undefined {
  const ld = cachedLocalDay(pc.seed, agent, day, pc.startWeekday);
  for (let attempt = 0; attempt < 20; attempt++) {
    let m: number;
    if (agent.archetype === 'business') {
      if (ld.weekday >= 5) return undefined;
      m = rng.int(ld.start + 45, Math.max(ld.start + 45, ld.end - 45 - minutes));
    } else m = rng.int(0, 1440 - minutes - 1);
    let clash = false;
    for (let x = m - 30; x < m + minutes + 30 && !clash; x++) clash = inBurst(ld, x);
    if (clash) continue;
    // Attacks do not start on the minute; a window that did would be a tell.
    const t = localToUtc(agent.timezone, pc.startMs + day * DAY_MS, m) + rng.int(0, MINUTE_MS - 1);
    if (usualAt(pc, agent, t) > 0.02) return t;
  }
  return undefined;
}

export function spread(rng: Rng, start: number, end: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(start + Math.floor(rng.next() * (end - start)));
  return out;
}

export function fixedOp(op: Op, rng: Rng, agent: AgentProfile): Op {
  const res = op.res ? op.res(agent.ctx, rng) : undefined;
  return { cat: op.cat, action: op.action, res: res === undefined ? undefined : () => res };
}

export const fmt = (n: number): string => (n >= 10 ? n.toFixed(0) : n.toFixed(1));

export function place(kind: DefaultKind, pc: PlanContext, agent: AgentProfile, day: number, rng: Rng, moderate: boolean): Placement | undefined {
  const erng = derive(pc.seed, 'anomaly-events', kind, agent.index, day);
  switch (kind) {
    case 'rate_spike': {
      const minutes = rng.int(3, 20);
      const t = activeStart(pc, agent, day, minutes, rng);
      if (t === undefined) return undefined;
      const usual = usualAt(pc, agent, t);
      // A moderate spike only means something on an agent busy enough for 6x to stand out.
      if (moderate && usual < 1) return undefined;
      // Heavy-tailed agents have normal 5–10x minutes: a spike must clear their tail.
      const mult = moderate ? rng.range(5.5, 7) : rng.range(agent.archetype === 'heavy' ? 15 : 10, 40);
      // Floor the baseline: a runaway loop on a quiet agent still makes many calls a minute.
      const perMin = mult * Math.max(usual, 1);
      const loop = rng.chance(0.6);
      const end = t + minutes * MINUTE_MS;
      return {
        startMs: t,
        endMs: end,
        description: `${loop ? 'runaway loop' : 'bulk read'}: about ${fmt(perMin)} calls/min for ${minutes} min, ~${(perMin / Math.max(usual, 0.01)).toFixed(0)}x its usual ${usual < 0.1 ? usual.toFixed(2) : fmt(usual)}/min for this hour`,
        details: {
          multiplier: Number(mult.toFixed(1)),
          effectiveMultiplier: Number((perMin / Math.max(usual, 0.01)).toFixed(1)),
          usualPerMinute: Number(usual.toFixed(3)),
          spikePerMinute: Number(perMin.toFixed(1)),
          variant: loop ? 'loop' : 'bulk-read',
        },
        build: (label) => {
          const out: GenEvent[] = [];
          setClock(agent, t, pc.startMs);
          const repeated = fixedOp(agent.ops.pick(erng), erng, agent);
          for (let m = 0; m < minutes; m++) {
            for (const at of spread(erng, t + m * MINUTE_MS, t + (m + 1) * MINUTE_MS, erng.poisson(perMin))) {
              const op = loop && erng.next() < 0.85 ? repeated : agent.ops.pick(erng);
              out.push(makeEvent(agent, erng, at, op, label));
            }
          }
          return out;
        },
      };
    }
    case 'new_sensitive_resource': {
      const minutes = rng.int(1, 15);
      const t = activeStart(pc, agent, day, minutes, rng);
      if (t === undefined) return undefined;
      const own = new Set(agent.routine.map((r) => r.resource));
      // Often the secret of a neighbour: read every day by its owner, never by this agent. Only a
      // per-agent baseline catches that; a fleet-wide "seen before" set does not.
      const neighbours = pc.agents.filter((a) => a !== agent && a.cloud === agent.cloud).flatMap((a) => a.routine);
      const pool = sensitiveCandidates(agent, rng).filter((c) => !own.has(c.resource));
      const targets = rng.shuffle(pool).slice(0, rng.int(1, 5));
      const stolen = neighbours.filter((r) => !own.has(r.resource) && !targets.some((x) => x.resource === r.resource));
      if (stolen.length && rng.chance(0.5)) targets[0] = rng.pick(stolen);
      const end = t + minutes * MINUTE_MS;
      return {
        startMs: t,
        endMs: end,
        description: `reads ${targets.length} sensitive resource(s) it never touched before: ${targets.map((x) => x.resource).join(', ')}`,
        details: { resources: targets.map((x) => x.resource) },
        build: (label) => {
          const times = spread(erng, t, end, targets.length).sort((a, b) => a - b);
          return targets.map((x, i) => {
            const e = makeEvent(agent, erng, times[i] as number, { cat: 'resource_access', action: x.action, res: () => x.resource }, label);
            e.outcome = 'success';
            return e;
          });
        },
      };
    }
    case 'off_hours': {
      if (agent.archetype !== 'business') return undefined;
      const ld = cachedLocalDay(pc.seed, agent, day, pc.startWeekday);
      // The rate it works at during the day, not the zero it normally has at night.
      const dayRate = Math.max(0.5, agent.baseRate * 0.9);
      let minutes = rng.int(5, 30);
      const count = Math.min(120, Math.max(15, Math.round(dayRate * minutes)));
      minutes = Math.min(30, Math.max(5, Math.round(count / dayRate)));
      const m = rng.int(60, 5 * 60 - minutes - 1);
      const t = localToUtc(agent.timezone, pc.startMs + day * DAY_MS, m) + rng.int(0, MINUTE_MS - 1);
      const end = t + minutes * MINUTE_MS;
      const hhmm = (x: number): string => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
      return {
        startMs: t,
        endMs: end,
        description: `${count} calls between ${hhmm(m)} and ${hhmm(m + minutes)} ${agent.timezone} on a ${WEEKDAYS[ld.weekday]}, a business-hours agent working at its daytime pace in the middle of the night`,
        details: { localStart: hhmm(m), timezone: agent.timezone, calls: count },
        build: (label) => {
          setClock(agent, t, pc.startMs);
          return spread(erng, t, end, count).map((at) => makeEvent(agent, erng, at, agent.ops.pick(erng), label));
        },
      };
    }
    case 'multi_location': {
      const minutes = rng.int(5, 45);
      const t = activeStart(pc, agent, day, minutes, rng);
      if (t === undefined) return undefined;
      const where = foreignLocation(rng, new Set(agent.regions.map((r) => r.country)));
      const src = sourceLoc(publicIp(rng, where), where.name, where.country);
      const usual = usualAt(pc, agent, t);
      const count = Math.max(8, Math.round(usual * minutes * rng.range(0.3, 1)));
      const end = t + minutes * MINUTE_MS;
      return {
        startMs: t,
        endMs: end,
        description: `same credential used from ${where.name} (${where.country}, ${src.ip}) for ${minutes} min while still active from ${agent.homeRegions.join('/')}`,
        details: { foreignRegion: where.name, foreignCountry: where.country, ip: src.ip, homeRegions: agent.homeRegions, calls: count },
        build: (label) => {
          setClock(agent, t, pc.startMs);
          return spread(erng, t, end, count).map((at) => makeEvent(agent, erng, at, agent.ops.pick(erng), label, src));
        },
      };
    }
    case 'new_permission': {
      const t = activeStart(pc, agent, day, 5, rng);
      if (t === undefined) return undefined;
      const privileged = rng.chance(0.5);
      const fresh = (privileged ? privilegedFor(agent) : []).concat(privileged ? [] : agent.extraPermissions).filter((p) => !agent.permissions.includes(p));
      if (fresh.length === 0) return undefined;
      const perm = rng.pick(fresh);
      const tries = rng.int(1, 3);
      const denied = privileged && rng.chance(0.5);
      const end = t + rng.int(1, 5) * MINUTE_MS;
      return {
        startMs: t,
        endMs: end,
        description: `requests ${privileged ? 'privileged ' : ''}permission ${perm} it never requested before (${tries}x, ${denied ? 'denied' : 'granted'})`,
        details: { permission: perm, privileged: privileged ? 'yes' : 'no', outcome: denied ? 'denied' : 'success' },
        build: (label) =>
          spread(erng, t, end, tries).map((at) => {
            const e = permissionEvent(agent, erng, at, perm, label);
            e.outcome = denied ? 'denied' : 'success';
            return e;
          }),
      };
    }
    case 'error_rate': {
      const minutes = rng.int(2, 6);
      const t = activeStart(pc, agent, day, minutes, rng);
      if (t === undefined) return undefined;
      const count = rng.int(30, 60);
      const enumeration = rng.chance(0.75);
      const ops = enumeration ? enumerationOps(agent) : [];
      const end = t + minutes * MINUTE_MS;
      return {
        startMs: t,
        endMs: end,
        description: enumeration
          ? `permission enumeration: ${count} discovery calls in ${minutes} min, nearly all denied, among its normal traffic`
          : `${count} failing reads of its own resource types in ${minutes} min (guessing names it has no access to)`,
        details: { calls: count, variant: enumeration ? 'enumeration' : 'denied-reads' },
        build: (label) => {
          setClock(agent, t, pc.startMs);
          return spread(erng, t, end, count).map((at) => {
            const e = makeEvent(agent, erng, at, enumeration ? erng.pick(ops) : agent.ops.pick(erng), label);
            e.outcome = enumeration && erng.next() < 0.08 ? 'success' : erng.next() < 0.85 ? 'denied' : 'failure';
            return e;
          });
        },
      };
    }
  }
}
