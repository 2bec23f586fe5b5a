import type { EventSink } from './window-buffer.js';
import { inBurst, type LocalDay, localDay, rateAt } from './archetypes.js';
import { podIp, publicIp, region as regionInfo, type SourceLoc, sourceLoc } from './geo.js';
import { derive, type Rng } from './prng.js';
import { dayOffsets, isoDate } from './timezones.js';
import type { AgentProfile, GenEvent, Op, Outcome, Trap } from './types.js';

/** Fleet-wide happenings that touch many agents at once and are not attacks. */
export interface DayContext {
  seed: number;
  startMs: number;
  startWeekday: number;
  dayIdx: number;
  outages: readonly { region: string; start: number; end: number }[];
  failovers: readonly { agent: AgentProfile; start: number; end: number; src: SourceLoc }[];
  glitches: readonly { agent: AgentProfile; start: number; end: number }[];
  rollouts: readonly { agentClass: string; at: number; permission: string }[];
  traps: Trap[];
}

// Module-local: imported constants cost a getter per access under tsx, and these are hot.
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const localDays = new WeakMap<AgentProfile, Map<number, LocalDay>>();

export function cachedLocalDay(seed: number, agent: AgentProfile, index: number, startWeekday: number): LocalDay {
  let byIndex = localDays.get(agent);
  if (!byIndex) localDays.set(agent, (byIndex = new Map()));
  let ld = byIndex.get(index);
  if (!ld) {
    ld = localDay(seed, agent, index, startWeekday);
    byIndex.set(index, ld);
    for (const k of byIndex.keys()) if (k < index - 3) byIndex.delete(k);
  }
  return ld;
}

export function pickSource(agent: AgentProfile, rng: Rng): SourceLoc {
  let pool = agent.regions[0];
  if (agent.regions.length > 1) {
    let total = 0;
    for (const r of agent.regions) total += r.weight;
    let x = rng.next() * total;
    for (const r of agent.regions) {
      x -= r.weight;
      if (x < 0) {
        pool = r;
        break;
      }
    }
  }
  const ips = (pool ?? agent.regions[0])!.ips;
  // Skewed towards the first addresses: one NAT gateway usually carries most of the traffic.
  const u = rng.next();
  return ips[Math.floor(u * u * ips.length)] as SourceLoc;
}

export function baseOutcome(agent: AgentProfile, rng: Rng): Outcome {
  if (rng.next() >= agent.errorRatio) return 'success';
  return rng.next() < agent.deniedShare ? 'denied' : 'failure';
}

export function makeEvent(agent: AgentProfile, rng: Rng, t: number, op: Op, label: number, src?: SourceLoc): GenEvent {
  return {
    t,
    agent,
    cat: op.cat,
    action: op.action,
    resource: op.res ? op.res(agent.ctx, rng) : undefined,
    permission: undefined,
    outcome: baseOutcome(agent, rng),
    src: src ?? pickSource(agent, rng),
    label,
  };
}

export function permissionEvent(agent: AgentProfile, rng: Rng, t: number, permission: string, label: number, src?: SourceLoc): GenEvent {
  return {
    t,
    agent,
    cat: 'permission_request',
    action: agent.permAction,
    resource: undefined,
    permission,
    outcome: rng.next() < agent.errorRatio * 0.5 ? 'failure' : 'success',
    src: src ?? pickSource(agent, rng),
    label,
  };
}

/** Keeps `{date}`, `{hour}` and `{seq}` placeholders in step with event time. */
export function setClock(agent: AgentProfile, t: number, startMs: number): void {
  const date = isoDate(t);
  if (agent.ctx.date !== date) {
    agent.ctx.date = date;
    agent.ctx.datePath = date.replaceAll('-', '/');
  }
  const h = new Date(t).getUTCHours();
  agent.ctx.hour = h < 10 ? `0${h}` : String(h);
  // Ticket / PR numbers grow through the period, so each day brings ids never seen before.
  agent.ctx.seq = 48_000 + agent.index * 7919 + Math.floor((t - startMs) / (3 * MINUTE_MS));
}

/**
 * Normal traffic of one agent for one UTC day, produced an hour at a time (`hour(h, out)`, h in
 * order) so the caller can keep only an hour of events alive: a whole day of them would outlive
 * the young generation and make the garbage collector the bottleneck.
 */
export class AgentDay {
  private readonly rng: Rng;
  private readonly dayStart: number;
  private readonly offsets: Int32Array;
  private readonly pollPhase: number;
  private readonly outage: DayContext['outages'][number] | undefined;
  private readonly failover: DayContext['failovers'][number] | undefined;
  private readonly glitch: DayContext['glitches'][number] | undefined;
  private readonly rollout: DayContext['rollouts'][number] | undefined;
  private surgeLeft = 0;
  private surge = 1;
  private currentIndex = NaN;
  private ld: LocalDay;
  private firstActiveHour = true;

  constructor(
    private readonly agent: AgentProfile,
    private readonly dc: DayContext,
  ) {
    this.rng = derive(dc.seed, 'traffic', agent.index, dc.dayIdx);
    this.dayStart = dc.startMs + dc.dayIdx * DAY_MS;
    this.offsets = dayOffsets(agent.timezone, this.dayStart);
    churnIps(agent, this.rng, dc, this.dayStart);
    this.pollPhase = agent.index % agent.params.pollEvery;
    const today = (o: { start: number; end: number }): boolean => o.end > this.dayStart && o.start < this.dayStart + DAY_MS;
    this.outage = dc.outages.find(today);
    this.failover = dc.failovers.find((f) => f.agent === agent && today(f));
    this.glitch = dc.glitches.find((g) => g.agent === agent && today(g));
    const found = dc.rollouts.find((r) => r.agentClass === agent.agentClass);
    // Peers pick a rollout up one after another as their pods are replaced.
    this.rollout = found ? { ...found, at: found.at + (agent.index % 5) * 17 * MINUTE_MS } : undefined;
    this.ld = cachedLocalDay(dc.seed, agent, dc.dayIdx, dc.startWeekday);
  }

  hour(h: number, out: EventSink): void {
    const { agent, dc, rng, dayStart, outage } = this;
    const p = agent.params;
    const active: number[] = [];
    const runStarts: number[] = [];
    setClock(agent, dayStart + h * HOUR_MS, dc.startMs);
    const offset = this.offsets[h] as number;
    for (let m = h * 60; m < h * 60 + 60; m++) {
      const t0 = dayStart + m * MINUTE_MS;
      let local = m + offset;
      let ldIndex = dc.dayIdx;
      if (local < 0) {
        local += 1440;
        ldIndex--;
      } else if (local >= 1440) {
        local -= 1440;
        ldIndex++;
      }
      if (ldIndex !== this.currentIndex) {
        this.currentIndex = ldIndex;
        this.ld = cachedLocalDay(dc.seed, agent, ldIndex, dc.startWeekday);
      }
      const ld = this.ld;
      let lambda = rateAt(agent, ld, local, dc.dayIdx + m / 1440);
      if (agent.archetype === 'heavy') {
        // Lognormal body plus short Pareto surges capped at 10x: the 5–10x minutes are normal
        // for this agent, so a rate detector must learn its tail rather than its mean.
        if (this.surgeLeft > 0) this.surgeLeft--;
        else if (rng.next() < p.heavyProb) {
          this.surge = Math.min(10, rng.pareto(4, 2.5));
          this.surgeLeft = rng.int(1, 3);
        } else this.surge = 1;
        lambda *= this.surgeLeft > 0 ? this.surge : rng.lognormal(-0.05, 0.3);
      } else if (lambda > 0) lambda *= rng.lognormal(-0.02, 0.2);
      let n = rng.poisson(lambda);
      if (agent.archetype === 'sparse' && m % p.pollEvery === this.pollPhase) n += rng.int(1, 3);
      if (ld.strays.length && ld.strays.includes(local)) {
        for (const s of ld.strays) if (s === local) n += 1;
        dc.traps.push({
          kind: 'stray_night_event',
          agentId: agent.id,
          start: new Date(t0).toISOString(),
          description: 'a single stray call outside business hours (normal for this agent, not an anomaly)',
        });
      }
      const burst = inBurst(ld, local);
      if (burst && !inBurst(ld, local - 1)) {
        runStarts.push(m);
        if (ld.rerunStart === local) {
          dc.traps.push({
            kind: 'batch_rerun',
            agentId: agent.id,
            start: new Date(t0).toISOString(),
            end: new Date(t0 + ld.rerunLen * MINUTE_MS).toISOString(),
            description: 'the nightly job is re-run in the morning after a failure: a real spike with an operational cause',
          });
        }
      }
      const table = burst ? agent.burstOps : agent.ops;
      for (let i = 0; i < n; i++) {
        const t = t0 + Math.floor(rng.next() * MINUTE_MS);
        const e = makeEvent(agent, rng, t, table.pick(rng), -1);
        if (outage && t >= outage.start && t < outage.end && e.src.region === outage.region && rng.next() < 0.5) e.outcome = 'failure';
        this.emit(e, out);
      }
      if (n > 0) active.push(m);
    }
    this.sideTraffic(h, active, runStarts, out);
  }

  private emit(e: GenEvent, out: EventSink): void {
    const { failover, glitch } = this;
    if (failover && e.t >= failover.start && e.t < failover.end) e.src = failover.src;
    if (glitch && e.t >= glitch.start && e.t < glitch.end && this.rng.next() < 0.8) e.outcome = 'failure';
    out.push(e);
  }

  /** Token / role requests, routine sensitive reads and a chronic denied call, tied to activity. */
  private sideTraffic(h: number, active: number[], runStarts: number[], out: EventSink): void {
    const { agent, rng, dayStart, rollout } = this;
    for (const m of runStarts) {
      // A batch run fetches its credentials first thing.
      for (const r of agent.routine) {
        const t = dayStart + m * MINUTE_MS + rng.int(0, 20_000);
        this.emit(makeEvent(agent, rng, t, { cat: 'resource_access', action: r.action, res: () => r.resource }, -1), out);
      }
    }
    if (active.length === 0) return;
    const at = (): number => dayStart + rng.pick(active) * MINUTE_MS + rng.int(0, MINUTE_MS - 1);
    const perms = rollout && dayStart + h * HOUR_MS >= rollout.at ? [...agent.permissions, rollout.permission] : agent.permissions;
    for (const perm of perms) {
      if (this.firstActiveHour || rng.next() < 0.6) this.emit(permissionEvent(agent, rng, at(), perm, -1), out);
    }
    for (const r of agent.routine) {
      if (r.cadence === 'hourly' && rng.next() < r.p) {
        this.emit(makeEvent(agent, rng, at(), { cat: 'resource_access', action: r.action, res: () => r.resource }, -1), out);
      }
    }
    if (agent.chronicDenied && rng.next() < 0.15) {
      const e = makeEvent(agent, rng, at(), agent.chronicDenied, -1);
      e.outcome = 'denied';
      this.emit(e, out);
    }
    this.firstActiveHour = false;
  }
}

function churnIps(agent: AgentProfile, rng: Rng, dc: DayContext, dayStart: number): void {
  for (const pool of agent.regions) {
    const info = regionInfo(pool.region);
    if (pool.pod) {
      // Pods restart and reschedule: new pod IPs every day are normal.
      const k = rng.int(0, 2);
      for (let i = 0; i < k; i++) pool.ips[rng.int(0, pool.ips.length - 1)] = sourceLoc(podIp(rng, pool.podOctet), pool.region, info.country);
    } else if (dc.dayIdx > 0 && rng.next() < 0.03) {
      const i = rng.int(0, pool.ips.length - 1);
      const ip = publicIp(rng, info);
      pool.ips[i] = sourceLoc(ip, pool.region, info.country);
      dc.traps.push({
        kind: 'ip_rotation',
        agentId: agent.id,
        start: new Date(dayStart).toISOString(),
        description: `NAT gateway replaced: new address ${ip} in the usual region ${pool.region}`,
      });
    }
  }
}
