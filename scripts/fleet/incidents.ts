import type { FleetLayout } from './agents.js';
import { publicIp, region as regionInfo, type SourceLoc, sourceLoc } from './geo.js';
import { derive } from './prng.js';
import { DAY_MS, HOUR_MS, isoTime, MINUTE_MS } from './timezones.js';
import type { AgentProfile, ResolvedOptions, Trap } from './types.js';

export interface Incidents {
  outages: { region: string; start: number; end: number }[];
  rollouts: { agentClass: string; at: number; permission: string }[];
  /** One agent's whole traffic moves to its disaster-recovery region for a while. */
  failovers: { agent: AgentProfile; start: number; end: number; src: SourceLoc }[];
  /** A rotated credential not yet picked up: most calls of one agent fail for a few minutes. */
  glitches: { agent: AgentProfile; start: number; end: number }[];
  traps: Trap[];
}

/** Where a workload fails over to: the provider's paired region, sometimes in another country. */
const DR_REGION: Record<string, string> = {
  'us-east-1': 'us-west-2',
  'us-west-2': 'us-east-1',
  'eu-west-1': 'eu-central-1',
  'eu-central-1': 'eu-west-1',
  westeurope: 'northeurope',
  northeurope: 'westeurope',
  uksouth: 'ukwest',
};

/**
 * Fleet-wide events that are not attacks but move detectors: a provider hiccup that makes every
 * agent in a region fail for minutes, and a deploy after which a whole peer group starts asking
 * for a permission none of them asked for before.
 */
export function planIncidents(opts: ResolvedOptions, layout: FleetLayout): Incidents {
  const rng = derive(opts.seed, 'incidents');
  const out: Incidents = { outages: [], rollouts: [], failovers: [], glitches: [], traps: [] };
  const regionUse = new Map<string, number>();
  for (const a of layout.agents) for (const r of a.homeRegions) regionUse.set(r, (regionUse.get(r) ?? 0) + 1);
  const shared = [...regionUse.entries()]
    .filter(([, n]) => n >= 2)
    .map(([r]) => r)
    .sort();
  const outageCount = opts.days >= 10 && shared.length ? Math.max(1, Math.round(opts.days / 14)) : 0;
  for (let i = 0; i < outageCount; i++) {
    const region = rng.pick(shared);
    const start = opts.startMs + rng.int(2, opts.days - 1) * DAY_MS + rng.int(6 * 60, 20 * 60) * MINUTE_MS;
    const end = start + rng.int(3, 8) * MINUTE_MS;
    out.outages.push({ region, start, end });
    out.traps.push({
      kind: 'regional_outage',
      start: isoTime(start),
      end: isoTime(end),
      description: `provider incident in ${region}: about half of every agent's calls from there fail (correlated errors across the fleet, not an attack)`,
    });
  }
  const groups = layout.groups.filter((g) => g.agents.length >= 2 && g.template.extraPermissions.length >= 2);
  if (groups.length && opts.days > opts.learningDays + 3) {
    const g = rng.pick(groups);
    const permission = g.template.extraPermissions[g.template.extraPermissions.length - 1] as string;
    // The rollout's permission must not also be drawn for a labelled new_permission anomaly.
    for (const a of g.agents) a.extraPermissions = a.extraPermissions.filter((p) => p !== permission);
    const at = opts.startMs + rng.int(opts.learningDays + 1, opts.days - 2) * DAY_MS + rng.int(9, 15) * HOUR_MS;
    out.rollouts.push({ agentClass: g.agentClass, at, permission });
    out.traps.push({
      kind: 'peer_rollout',
      agentClass: g.agentClass,
      start: isoTime(at),
      end: isoTime(at + 4 * 17 * MINUTE_MS),
      description: `release rolled out to every ${g.agentClass} agent: all of them start requesting ${permission} within about an hour`,
    });
  }
  if (opts.days >= 10) {
    // Cloud workloads only: a Kubernetes failover shows up as another cluster's pod addresses.
    const movable = layout.agents.filter(
      (a) => a.homeRegions.length === 1 && DR_REGION[a.homeRegions[0] as string] && a.archetype !== 'business' && !a.regions[0]?.pod,
    );
    if (movable.length) {
      const agent = rng.pick(movable);
      const dr = DR_REGION[agent.homeRegions[0] as string] as string;
      const info = regionInfo(dr);
      const src = sourceLoc(publicIp(rng, info), dr, info.country);
      const start = opts.startMs + rng.int(2, opts.days - 1) * DAY_MS + rng.int(0, 22 * 60) * MINUTE_MS + rng.int(0, 59_999);
      const end = start + rng.int(30, 90) * MINUTE_MS;
      out.failovers.push({ agent, start, end, src });
      out.traps.push({
        kind: 'region_failover',
        agentId: agent.id,
        start: isoTime(start),
        end: isoTime(end),
        description: `disaster-recovery failover: all traffic moves from ${agent.homeRegions[0]} to ${dr} (${src.ip}, ${info.country}) and back; home is silent meanwhile`,
      });
    }
    // On agents that are busy around the clock, so the glitch has calls to fail.
    const busy = layout.agents.filter((a) => a.archetype === 'steady' || a.archetype === 'heavy' || a.archetype === 'growth');
    for (let i = 0; busy.length && i < Math.max(1, Math.round(layout.agents.length / 20)); i++) {
      const agent = rng.pick(busy);
      const start = opts.startMs + rng.int(1, opts.days - 1) * DAY_MS + rng.int(0, 23 * 60) * MINUTE_MS + rng.int(0, 59_999);
      const end = start + rng.int(2, 6) * MINUTE_MS;
      out.glitches.push({ agent, start, end });
      out.traps.push({
        kind: 'credential_glitch',
        agentId: agent.id,
        start: isoTime(start),
        end: isoTime(end),
        description: 'a rotated credential not yet picked up by every instance: most calls fail (not denied) for a few minutes at the usual rate',
      });
    }
  }
  return out;
}
