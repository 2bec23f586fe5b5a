import { activeStart, fmt, type PlanContext, type Placement, spread, usualAt } from './anomaly-kinds.js';
import { derive, type Rng } from './prng.js';
import { MINUTE_MS } from './timezones.js';
import { makeEvent, setClock } from './traffic.js';
import type { AgentProfile, Cloud, GenEvent } from './types.js';

/** How each cloud's audit log spells the roll-out (engine.grace.deployActions defaults). */
export const DEPLOY_ACTION: Readonly<Record<Cloud, string>> = {
  aws: 'ecs:UpdateService',
  k8s: 'patch deployments',
  azure: 'Microsoft.Web/sites/publish/action',
};

/** The new version warms up (cache fill, re-sync) for this long at `warmMultiplier`… */
const WARM_MINUTES = 12;
/** …reads and writes this many resources it never used before… */
const NEW_RESOURCES = 12;
/** …and fails this many calls on them in its first minutes (config not there yet). */
const FAILURES = 14;

/**
 * A roll-out day (issue 14, item 7): the agent itself performs a deploy (DEPLOY_ACTION, success),
 * then its traffic changes shape for 60–110 minutes: a warm-up at 6–10× its usual rate, then
 * 2.5–4×, on release-named resources it never used, with a handful of failures on them at first.
 * A change, not an attack: with the deploy action configured (the default) the learned detectors
 * hold back; without it, rate_spike and error_rate fire. Busy agents only (≥ 1 call/min at the
 * time), never heavy-tailed ones (their tail absorbs a warm-up). Labelled `rollout`; the label's
 * `detector` is `none`: nothing should alert.
 */
export function placeRollout(pc: PlanContext, agent: AgentProfile, day: number, rng: Rng): Placement | undefined {
  if (agent.quiet || agent.archetype === 'heavy' || agent.archetype === 'sparse') return undefined;
  const minutes = rng.int(60, 110);
  const t = activeStart(pc, agent, day, minutes, rng);
  if (t === undefined) return undefined;
  const usual = usualAt(pc, agent, t);
  if (usual < 1) return undefined;
  const warm = rng.range(6, 10);
  const after = rng.range(2.5, 4);
  const release = `release-${day}-${agent.index}`;
  const action = DEPLOY_ACTION[agent.cloud];
  const end = t + minutes * MINUTE_MS;
  const erng = derive(pc.seed, 'anomaly-events', 'rollout', agent.index, day);
  return {
    startMs: t,
    endMs: end,
    description: `roll-out: ${action} by the agent, then ${fmt(warm * usual)} calls/min for ${WARM_MINUTES} min and ${fmt(after * usual)}/min for ${minutes - WARM_MINUTES} min on new ${release} resources (usual ${fmt(usual)}/min)`,
    details: {
      deployAction: action,
      minutes,
      warmMultiplier: Number(warm.toFixed(2)),
      multiplier: Number(after.toFixed(2)),
      usualPerMinute: Number(usual.toFixed(3)),
      release,
      archetype: agent.archetype,
    },
    build: (label) => {
      const out: GenEvent[] = [];
      setClock(agent, t, pc.startMs);
      const deploy = makeEvent(agent, erng, t, { cat: 'api_call', action, res: () => `${agent.id}/${release}` }, label);
      deploy.outcome = 'success';
      out.push(deploy);
      const resources = Array.from({ length: NEW_RESOURCES }, (_, i) => `${agent.id}/${release}/object-${i}`);
      for (let m = 0; m < minutes; m++) {
        const extra = (m < WARM_MINUTES ? warm : after) - 1;
        for (const at of spread(erng, t + m * MINUTE_MS + 1, t + (m + 1) * MINUTE_MS, erng.poisson(extra * usual))) {
          const op = agent.ops.pick(erng);
          const e = makeEvent(agent, erng, at, { cat: 'resource_access', action: op.action, res: () => erng.pick(resources) }, label);
          e.outcome = 'success';
          out.push(e);
        }
      }
      for (const at of spread(erng, t + MINUTE_MS, t + 5 * MINUTE_MS, FAILURES)) {
        const e = makeEvent(
          agent,
          erng,
          at,
          { cat: 'resource_access', action: agent.ops.pick(erng).action, res: () => `${agent.id}/${release}/config-${erng.int(0, 99)}` },
          label,
        );
        e.outcome = 'failure';
        out.push(e);
      }
      return out;
    },
  };
}
