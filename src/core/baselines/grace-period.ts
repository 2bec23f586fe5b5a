import type { Detector, Finding } from '../detectors/detector.js';
import type { EngineContext } from '../engine-context.js';
import type { EngineSettings } from '../engine-settings.js';
import type { AuditEvent } from '../events/audit-event.js';
import { GlobSet } from '../glob.js';
import type { AgentBaseline } from './agent-baseline.js';

/** An agent's grace state as JSON (AgentSnapshot.grace). */
export interface GraceSnapshot {
  /** Event time of the last deploy event, and the end of the grace it opened (null: no deploy yet). */
  deployMs: number | null;
  untilMs: number | null;
  action: string;
  /** Per detector: alerts held back, and the time of the last finding held. */
  held: [detector: string, alerts: number, lastMs: number][];
}

/**
 * One agent's grace (issue 14, item 7): after a deploy event, or inside a declared maintenance
 * window, the learned detectors re-learn rather than alert. Created on the agent's first deploy
 * or held finding: most agents never have one.
 */
export class GracePeriod {
  deployMs = Number.NEGATIVE_INFINITY;
  untilMs = Number.NEGATIVE_INFINITY;
  action = '';
  /** Alerts that would have fired, per detector; bounded by the number of detectors. */
  readonly held = new Map<string, { alerts: number; lastMs: number }>();

  snapshot(): GraceSnapshot {
    const time = (ms: number): number | null => (Number.isFinite(ms) ? ms : null);
    return { deployMs: time(this.deployMs), untilMs: time(this.untilMs), action: this.action, held: [...this.held].map(([d, h]) => [d, h.alerts, h.lastMs]) };
  }

  static restore(s: GraceSnapshot): GracePeriod {
    const g = new GracePeriod();
    g.deployMs = s.deployMs ?? Number.NEGATIVE_INFINITY;
    g.untilMs = s.untilMs ?? Number.NEGATIVE_INFINITY;
    g.action = s.action;
    for (const [d, alerts, lastMs] of s.held) g.held.set(d, { alerts, lastMs });
    return g;
  }
}

/** `deployActions` compiled once per settings: literal names in a Set (one lookup per event), globs in one alternation. */
interface DeployMatcher {
  literal: ReadonlySet<string>;
  globs: GlobSet<string> | undefined;
}

const matchers = new WeakMap<EngineSettings, DeployMatcher>();

function matcherFor(settings: EngineSettings): DeployMatcher {
  let m = matchers.get(settings);
  if (m === undefined) {
    const actions = settings.grace.deployActions;
    const globs = actions.filter((a) => a.includes('*') || a.includes('?'));
    m = {
      literal: new Set(actions.filter((a) => !globs.includes(a))),
      globs: globs.length ? new GlobSet(globs.map((g) => ({ pattern: g, value: g }))) : undefined,
    };
    matchers.set(settings, m);
  }
  return m;
}

/**
 * Before the event's detectors run: a deploy event (a `grace.deployActions` action, successful)
 * opens or extends its agent's grace. A failed deploy changed nothing. Its own findings are
 * already held back: a new version's first calls are part of the change.
 */
export function noteDeploy(ctx: EngineContext, agent: AgentBaseline, event: AuditEvent): void {
  const graceMs = ctx.settings.grace.graceMs;
  if (graceMs === 0 || event.outcome !== 'success') return;
  const m = matcherFor(ctx.settings);
  if (!m.literal.has(event.action) && m.globs?.match(event.action) === undefined) return;
  const grace = (agent.grace ??= new GracePeriod());
  if (event.timeMs >= grace.untilMs) grace.deployMs = event.timeMs;
  grace.untilMs = Math.max(grace.untilMs, event.timeMs + graceMs);
  grace.action = event.action;
}

/** Whether event time `timeMs` falls in the agent's grace: after a deploy, or in a declared maintenance window. */
export function inGrace(agent: AgentBaseline, timeMs: number): boolean {
  const g = agent.grace;
  if (g !== undefined && timeMs >= g.deployMs && timeMs < g.untilMs) return true;
  return agent.declaration?.maintenance?.covering(timeMs, agent.hourOffsetMs) !== undefined;
}

/**
 * Where a finding would become an alert: in grace, a learned finding (basis `learned` or
 * `class`) is held back and counted — once per would-be incident, folded like triggers within
 * `cooldownMs` — and the detector is re-armed, so what it judged anomalous is learned as normal
 * rather than discounted (agent-baseline.ts `discounted`). Declared findings (policies,
 * privileged grants, sensitive resources) alert as always. Returns whether it was held back.
 */
export function holdInGrace(
  ctx: EngineContext,
  agent: AgentBaseline,
  detector: Detector,
  finding: Finding,
  timeMs: number,
  stats: { graceHeld: number },
): boolean {
  if (finding.basis === 'declared' || !inGrace(agent, timeMs)) return false;
  const grace = (agent.grace ??= new GracePeriod());
  const h = grace.held.get(finding.detector);
  if (h === undefined) {
    grace.held.set(finding.detector, { alerts: 1, lastMs: timeMs });
    stats.graceHeld++;
  } else {
    if (timeMs - h.lastMs > ctx.settings.cooldownMs) {
      h.alerts++;
      stats.graceHeld++;
    }
    if (timeMs > h.lastMs) h.lastMs = timeMs;
  }
  detector.rearm?.(agent);
  return true;
}
