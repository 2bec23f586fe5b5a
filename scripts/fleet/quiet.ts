import { derive } from './prng.js';
import type { AgentProfile, ResolvedOptions } from './types.js';

/**
 * Mean events per minute of a quiet agent's main traffic while it is active (business hours, or
 * all day); token requests and routine reads add about 0.05, for 0.1–0.6 in all.
 */
export const QUIET_RATE: readonly [number, number] = [0.1, 0.45];

/**
 * Mean of the archetype's rate over its active time, as a multiple of `baseRate`: the diurnal
 * swing and the lognormal factors average out to about 1; weekends, the lunch dip, batch runs
 * and growth do not.
 */
function activeMean(agent: AgentProfile, days: number): number {
  const p = agent.params;
  switch (agent.archetype) {
    case 'steady':
      return (5 + 2 * p.weekendFactor) / 7;
    case 'heavy':
      // Plus its normal surges: a few 2–10x minutes a day.
      return (1.06 * (5 + 2 * p.weekendFactor)) / 7;
    case 'growth': {
      const g = Math.log(1 + p.growthPerDay);
      return (Math.exp(g * days) - 1) / (g * days);
    }
    case 'business':
      // Ramp-up, lunch at 0.65 and the last half hour at 0.6 over a ~10 h day.
      return 0.93;
    case 'nightly':
      return 1 + (p.burstFactor * p.burstMinutes) / 1440;
    case 'weekly':
      return 1 + (p.burstFactor * p.burstMinutes) / (7 * 1440);
    case 'sparse':
      return 0.3;
  }
}

/** Expected events per minute while active (main traffic, not counting side calls). */
export function meanActiveRate(agent: AgentProfile, days: number): number {
  return agent.baseRate * activeMean(agent, days);
}

/** Where rate anomalies go on "busy" agents: at least this many events/min while active. */
export const BUSY_RATE = 1;

/**
 * Makes `quietShare` of the agents quiet, drawn from their own stream so the choice does not
 * move anything else: the same agents, peers and operations, at 0.1–0.6 events/min on average
 * while active (side traffic such as token requests adds a few hundredths). The rate is absolute,
 * not multiplied by `scale`: quiet means a handful of calls every few minutes.
 */
export function applyQuiet(opts: ResolvedOptions, agents: readonly AgentProfile[]): void {
  if (opts.quietShare <= 0) return;
  const rng = derive(opts.seed, 'quiet');
  const pool = rng.shuffle(agents.filter((a) => a.archetype !== 'sparse'));
  const count = Math.min(pool.length, Math.round(opts.quietShare * agents.length));
  for (const agent of pool.slice(0, count).sort((a, b) => a.index - b.index)) {
    const target = rng.range(QUIET_RATE[0], QUIET_RATE[1]);
    agent.baseRate = target / activeMean(agent, opts.days);
    agent.quiet = true;
  }
}
