import { type FleetLayout } from './agents.js';
import { derive } from './prng.js';
import { DAY_MS, HOUR_MS, isoTime, MINUTE_MS } from './timezones.js';
import { type ResolvedOptions, type Trap } from './types.js';

export interface Incidents {
  outages: { region: string; start: number; end: number }[];
  rollouts: { agentClass: string; at: number; permission: string }[];
  traps: Trap[];
}

/**
 * Fleet-wide events that are not attacks but move detectors: a provider hiccup that makes every
 * agent in a region fail for minutes, and a deploy after which a whole peer group starts asking
 * for a permission none of them asked for before.
 */
export function planIncidents(opts: ResolvedOptions, layout: FleetLayout): Incidents {
  const rng = derive(opts.seed, 'incidents');
  const out: Incidents = { outages: [], rollouts: [], traps: [] };
  const regionUse = new Map<string, number>();
  for (const a of layout.agents) for (const r of a.homeRegions) regionUse.set(r, (regionUse.get(r) ?? 0) + 1);
  const shared = [...regionUse.entries()].filter(([, n]) => n >= 2).map(([r]) => r).sort();
  const outageCount = opts.days >= 10 && shared.length ? Math.max(1, Math.round(opts.days / 14)) : 0;
  for (let i = 0; i < outageCount; i++) {
    const region = rng.pick(shared);
    const start = opts.startMs + rng.int(2, opts.days - 1) * DAY_MS + rng.int(6 * 60, 20 * 60) * MINUTE_MS;
    const end = start + rng.int(3, 8) * MINUTE_MS;
    out.outages.push({ region, start, end });
    out.traps.push({ kind: 'regional_outage', start: isoTime(start), end: isoTime(end), description: `provider incident in ${region}: about half of every agent's calls from there fail (correlated errors across the fleet, not an attack)` });
  }
  const groups = layout.groups.filter((g) => g.agents.length >= 2 && g.template.extraPermissions.length >= 2);
  if (groups.length && opts.days > opts.learningDays + 3) {
    const g = rng.pick(groups);
    const permission = g.template.extraPermissions[g.template.extraPermissions.length - 1] as string;
    // The rollout's permission must not also be drawn for a labelled new_permission anomaly.
    for (const a of g.agents) a.extraPermissions = a.extraPermissions.filter((p) => p !== permission);
    const at = opts.startMs + rng.int(opts.learningDays + 1, opts.days - 2) * DAY_MS + rng.int(9, 15) * HOUR_MS;
    out.rollouts.push({ agentClass: g.agentClass, at, permission });
    out.traps.push({ kind: 'peer_rollout', agentClass: g.agentClass, start: isoTime(at), end: isoTime(at + 4 * 17 * MINUTE_MS), description: `release rolled out to every ${g.agentClass} agent: all of them start requesting ${permission} within about an hour` });
  }
  return out;
}
