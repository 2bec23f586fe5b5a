import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { Detector, Finding } from '../detectors/detector.js';
import type { EngineContext } from '../engine-context.js';
import { applyVerdict } from '../feedback/apply-verdict.js';
import type { Verdict } from '../feedback/verdict.js';
import { alertId } from './alert-id.js';
import type { Alert } from './alert.js';
import { foldTrigger, isQuiet, type OpenIncident, openEpisode, resolveIncident, type Trigger } from './incident.js';

const RESOLVE_EVERY_MS = 60_000;

/** The engine's counters this book keeps up to date. */
export interface IncidentStats {
  alerts: number;
  /** Triggers folded into an open incident instead of a new alert (cooldown). */
  incidentUpdates: number;
  /** `update` and `resolved` messages sent about open incidents. */
  updates: number;
  resolved: number;
  /** Findings not raised because an analyst marked the same pattern normal. */
  suppressed: number;
  verdictsApplied: number;
}

/**
 * Turns findings into incidents and their messages (open, update, resolved: one id), resolves
 * the quiet ones by event time, and applies analysts' verdicts. Incidents live in each agent's
 * baseline (so they travel with its snapshot); the book only indexes the unresolved ones.
 */
export class IncidentBook {
  /** Agents with an incident not yet resolved, checked every minute of event time. */
  private readonly unresolved = new Set<string>();
  private resolveAtMs = Number.NEGATIVE_INFINITY;
  private clockMs = Number.NEGATIVE_INFINITY;
  /** Analyst verdicts by alert id: applied when their alert is raised, or at once if it was. */
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly stats: IncidentStats,
    private readonly detectors: readonly Detector[],
    private readonly agents: ReadonlyMap<string, AgentBaseline>,
    private readonly resolveByStreamClock: boolean,
  ) {
    this.growsWithBucket = detectors.filter((d) => d.bucketMagnitude !== undefined);
  }

  /** The detectors whose incidents grow with the bucket (rate_spike): looked at on every bucket close. */
  private readonly growsWithBucket: readonly Detector[];

  get hasUnresolved(): boolean {
    return this.unresolved.size > 0;
  }

  /** Before an event's detectors run: close what its clock (the agent's own, and the stream's) has made quiet. */
  beforeEvent(agent: AgentBaseline, timeMs: number, streamMs: number, detectedAtMs: number, out: Alert[]): void {
    if (this.unresolved.size === 0) return;
    if (this.unresolved.has(agent.agentId)) this.resolveAgent(agent, timeMs, detectedAtMs, out);
    if (streamMs > this.clockMs) this.clockMs = streamMs;
    if (this.resolveByStreamClock && this.clockMs >= this.resolveAtMs) {
      this.resolveAtMs = this.clockMs + RESOLVE_EVERY_MS;
      this.resolveQuiet(this.clockMs, detectedAtMs, undefined, out);
    }
  }

  /** As an agent's bucket closes, rate incidents grow their magnitude to it (Detector.bucketMagnitude). */
  bucketClosed(agent: AgentBaseline, count: number): void {
    for (const d of this.growsWithBucket) {
      const incident = agent.incidents?.get(d.name);
      if (incident === undefined || agent.bucketStartMs - incident.lastMs > this.ctx.settings.cooldownMs + this.ctx.settings.bucketMs) continue;
      const magnitude = (d.bucketMagnitude as NonNullable<Detector['bucketMagnitude']>)(this.ctx, count);
      if (incident.magnitude === undefined || magnitude <= incident.magnitude) continue;
      incident.magnitude = magnitude;
      if (incident.acceptedNormal) agent.accepted?.accept(d.name, { magnitude });
    }
  }

  /** Resolves the incidents quiet at event time `nowMs` of the agents `owns` accepts (all by default). */
  resolveQuiet(nowMs: number, detectedAtMs: number, owns: ((agentId: string) => boolean) | undefined, out: Alert[]): void {
    for (const agentId of this.unresolved) {
      if (owns !== undefined && !owns(agentId)) continue;
      const agent = this.agents.get(agentId);
      if (agent === undefined) this.unresolved.delete(agentId);
      else this.resolveAgent(agent, nowMs, detectedAtMs, out);
    }
  }

  private resolveAgent(agent: AgentBaseline, nowMs: number, detectedAtMs: number, out: Alert[]): void {
    let open = false;
    for (const [detector, incident] of agent.incidents ?? []) {
      // A condition that lasts without new triggers (a silence) keeps its incident open.
      const held = incident.resolved === true ? undefined : this.detectors.find((d) => d.name === detector)?.heldUntil?.(agent);
      if (held !== undefined && held > incident.lastMs) incident.lastMs = held;
      if (isQuiet(incident, nowMs, this.ctx.settings.cooldownMs))
        this.close(incident, incident.lastMs + this.ctx.settings.cooldownMs, detectedAtMs, 'quiet', out);
      else if (incident.resolved !== true) open = true;
    }
    if (!open) this.unresolved.delete(agent.agentId);
  }

  private close(incident: OpenIncident, resolvedMs: number, detectedAtMs: number, resolution: 'quiet' | 'normal', out: Alert[]): void {
    const message = resolveIncident(incident, resolvedMs, detectedAtMs, resolution);
    if (message === undefined || !this.ctx.settings.episodes.resolve) return;
    this.stats.resolved++;
    out.push(message);
  }

  /** A detector's finding: a new incident (an alert), an update of the open one, or nothing (suppressed). */
  raise(agent: AgentBaseline, finding: Finding, event: Trigger, detectedAtMs: number, out: Alert[]): void {
    const incidents = (agent.incidents ??= new Map());
    const open = incidents.get(finding.detector);
    const { cooldownMs, episodes } = this.ctx.settings;
    if (open !== undefined && open.resolved !== true && event.timeMs - open.lastMs <= cooldownMs && event.timeMs >= open.openedMs) {
      this.stats.incidentUpdates++;
      const update = foldTrigger(open, finding, event, detectedAtMs, episodes.updateIntervalMs, episodes.updates);
      if (update) {
        this.stats.updates++;
        out.push(update);
      }
      return;
    }
    const pattern = this.detectors.find((d) => d.name === finding.detector)?.pattern?.(finding, agent) ?? {};
    const accepted = open?.acceptedNormal === true && event.timeMs - open.lastMs <= cooldownMs;
    if (accepted || agent.accepted?.covers(finding.detector, pattern, this.ctx.settings.feedback.rateTolerance)) {
      // The rest of a burst marked normal, or the same pattern again: expected now.
      if (accepted) open.lastMs = Math.max(open.lastMs, event.timeMs);
      this.stats.suppressed++;
      this.detectors.find((d) => d.name === finding.detector)?.rearm?.(agent);
      return;
    }
    // A late trigger older than the open incident: that one is closed before this one opens.
    if (open !== undefined && open.resolved !== true) this.close(open, Math.max(open.lastMs, event.timeMs), detectedAtMs, 'quiet', out);
    const id = alertId(agent.agentId, finding.detector, event.id);
    const incident: OpenIncident = { alertId: id, openedMs: event.timeMs, lastMs: event.timeMs, count: 1 };
    if (pattern.key !== undefined) incident.pattern = pattern.key;
    if (pattern.magnitude !== undefined) incident.magnitude = pattern.magnitude;
    incidents.set(finding.detector, incident);
    this.unresolved.add(agent.agentId);
    this.stats.alerts++;
    const alert: Alert = {
      id,
      agentId: agent.agentId,
      detector: finding.detector,
      severity: finding.severity,
      score: finding.score,
      time: new Date(event.timeMs).toISOString(),
      detectedAt: new Date(detectedAtMs).toISOString(),
      summary: finding.summary,
      observed: finding.observed,
      expected: finding.expected,
      evidence: finding.evidence,
      baseline: { ...agent.maturity(), learning: agent.isLearning(this.ctx), basis: finding.basis },
      eventId: event.id,
    };
    if (agent.agentClass !== undefined) alert.agentClass = agent.agentClass;
    if (agent.tenant !== undefined) alert.tenant = agent.tenant;
    out.push(openEpisode(alert, incident));
    const verdict = this.verdicts.get(id);
    if (verdict !== undefined) this.applyVerdict(agent, finding.detector, incident, verdict, event.timeMs, detectedAtMs, out);
  }

  /** See Engine.addVerdict. */
  addVerdict(verdict: Verdict, detectedAtMs: number, out: Alert[]): void {
    this.verdicts.delete(verdict.alertId);
    this.verdicts.set(verdict.alertId, verdict);
    if (this.verdicts.size > this.ctx.settings.feedback.maxVerdicts) this.verdicts.delete(this.verdicts.keys().next().value as string);
    const found = this.find(verdict.alertId);
    if (found) this.applyVerdict(found.agent, found.detector, found.incident, verdict, Math.max(found.incident.lastMs, this.clockMs), detectedAtMs, out);
  }

  find(id: string): { agent: AgentBaseline; detector: string; incident: OpenIncident } | undefined {
    for (const agent of this.agents.values()) {
      for (const [detector, incident] of agent.incidents ?? []) if (incident.alertId === id) return { agent, detector, incident };
    }
    return undefined;
  }

  private applyVerdict(
    agent: AgentBaseline,
    detector: string,
    incident: OpenIncident,
    verdict: Verdict,
    nowMs: number,
    detectedAtMs: number,
    out: Alert[],
  ): void {
    this.stats.verdictsApplied++;
    if (
      applyVerdict(agent, this.detectors.find((d) => d.name === detector) ?? detector, incident, verdict, this.ctx.settings.feedback.maxPatternsPerDetector) &&
      incident.resolved !== true
    ) {
      this.close(incident, nowMs, detectedAtMs, 'normal', out);
    }
  }

  /** A restored agent's open incidents are indexed again. */
  restored(agent: AgentBaseline): void {
    for (const incident of agent.incidents?.values() ?? []) if (incident.resolved !== true && incident.last !== undefined) this.unresolved.add(agent.agentId);
  }

  forget(agentId?: string): void {
    if (agentId === undefined) this.unresolved.clear();
    else this.unresolved.delete(agentId);
  }
}
