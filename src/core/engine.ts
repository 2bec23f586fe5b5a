import { alertId } from './alerts/alert-id.js';
import { type Alert } from './alerts/alert.js';
import { AgentBaseline } from './baselines/agent-baseline.js';
import { type AgentSnapshot, restoreAgent, snapshotAgent } from './baselines/agent-baseline-snapshot.js';
import { ClassBaseline } from './baselines/class-baseline.js';
import { DeclaredBaselines } from './baselines/declared-baselines.js';
import { type Detector, type Finding } from './detectors/detector.js';
import { detectorRegistry } from './detectors/registry.js';
import { type EngineContext, createEngineContext } from './engine-context.js';
import { type EngineSettings } from './engine-settings.js';
import { type AuditEvent } from './events/audit-event.js';
import { foldTrigger, isQuiet, type OpenIncident, openEpisode, resolveIncident } from './alerts/incident.js';
import { applyVerdict } from './feedback/apply-verdict.js';
import { findingPattern } from './feedback/finding-pattern.js';
import { type Verdict } from './feedback/verdict.js';

const NO_ALERTS: readonly Alert[] = Object.freeze([]);
const SWEEP_EVERY_MS = 3_600_000;
const RESOLVE_EVERY_MS = 60_000;

export interface EngineOptions {
  /**
   * Resolve quiet incidents by the engine's own event-time clock (the latest event time seen).
   * Right when events arrive in one event-time order (replay); the live service turns it off and
   * calls `resolveQuiet` per input partition, whose clocks may be hours apart.
   */
  resolveByStreamClock?: boolean;
}

export interface EngineStats {
  events: number;
  /** Events older than their agent's current bucket (beyond the reorder window). */
  lateEvents: number;
  alerts: number;
  /** Triggers folded into an open incident instead of a new alert (cooldown). */
  incidentUpdates: number;
  /** `update` and `resolved` messages sent about open incidents. */
  updates: number;
  resolved: number;
  /** Findings not raised because an analyst marked the same pattern normal. */
  suppressed: number;
  verdictsApplied: number;
  evictedAgents: number;
}

/**
 * The detection engine: pure and synchronous, driven by event time alone. The same instance
 * code runs behind replay and the live Kafka service, so a replay reproduces live alerts.
 */
export class Engine {
  readonly ctx: EngineContext;
  readonly stats: EngineStats = { events: 0, lateEvents: 0, alerts: 0, incidentUpdates: 0, updates: 0, resolved: 0, suppressed: 0, verdictsApplied: 0, evictedAgents: 0 };
  private readonly agents = new Map<string, AgentBaseline>();
  private readonly classes = new Map<string, ClassBaseline>();
  private readonly detectors: readonly Detector[];
  private sweepAtMs = Number.NEGATIVE_INFINITY;
  /** Agents with an incident not yet resolved, checked every minute of event time. */
  private readonly unresolved = new Set<string>();
  private resolveAtMs = Number.NEGATIVE_INFINITY;
  private clockMs = Number.NEGATIVE_INFINITY;
  private readonly resolveByStreamClock: boolean;
  /** Analyst verdicts by alert id: applied when their alert is raised, or at once if it was. */
  private readonly verdicts = new Map<string, Verdict>();

  constructor(settings: EngineSettings, declared: DeclaredBaselines = DeclaredBaselines.empty(), options: EngineOptions = {}) {
    this.ctx = createEngineContext(settings, declared);
    this.detectors = detectorRegistry.filter((d) => d.enabled(this.ctx));
    this.resolveByStreamClock = options.resolveByStreamClock ?? true;
  }

  get agentCount(): number {
    return this.agents.size;
  }

  agent(agentId: string): AgentBaseline | undefined {
    return this.agents.get(agentId);
  }


  /** Agents whose learned detectors are still silent. O(agents): for metrics and reports, not per event. */
  learningAgentCount(): number {
    let n = 0;
    for (const a of this.agents.values()) if (a.isLearning(this.ctx)) n++;
    return n;
  }

  /**
   * Processes one event (in event-time order per agent) and returns the alerts it raises.
   * `detectedAtMs` stamps `detectedAt`: the wall clock live, the watermark in replay.
   */
  process(event: AuditEvent, detectedAtMs: number): readonly Alert[] {
    this.stats.events++;
    if (event.timeMs < this.ctx.stream.startedAtMs) this.ctx.stream.startedAtMs = event.timeMs;
    if (event.timeMs >= this.sweepAtMs) this.sweep(event.timeMs);
    let agent = this.agents.get(event.agentId);
    if (agent === undefined) {
      agent = this.createAgent(event.agentId);
      agent.start(event, this.ctx);
      agent.peers = this.peersOf(agent.agentClass);
    } else if (event.timeMs < agent.bucketStartMs) {
      this.stats.lateEvents++;
    } else {
      const closing = agent.bucketStartMs;
      const count = agent.bucketCount;
      agent.advance(event.timeMs, this.ctx);
      if (agent.bucketStartMs !== closing && agent.incidents !== undefined) this.bucketClosed(agent, count);
    }
    let alerts: Alert[] | undefined;
    if (this.unresolved.size > 0) {
      if (this.unresolved.has(agent.agentId)) this.resolveAgent(agent, event.timeMs, detectedAtMs, (alerts ??= []));
      if (event.timeMs > this.clockMs) this.clockMs = event.timeMs;
      if (this.resolveByStreamClock && this.clockMs >= this.resolveAtMs) {
        this.resolveAtMs = this.clockMs + RESOLVE_EVERY_MS;
        this.resolveQuietInto(this.clockMs, detectedAtMs, undefined, (alerts ??= []));
      }
    }
    const newResource = event.resource !== undefined && agent.resources.touch(event.resource, event.timeMs);
    agent.record(event, this.ctx, newResource);
    for (const detector of this.detectors) {
      const finding = detector.check(this.ctx, agent, event);
      if (finding === undefined) continue;
      this.openOrUpdateIncident(agent, finding, event, detectedAtMs, (alerts ??= []));
    }
    return alerts && alerts.length > 0 ? alerts : NO_ALERTS;
  }

  /**
   * A rate incident's magnitude is the busiest bucket it spans (it fires as the count crosses the
   * threshold, below the bucket's final count); a burst marked normal is accepted up to it.
   */
  private bucketClosed(agent: AgentBaseline, count: number): void {
    const incident = agent.incidents?.get('rate_spike');
    if (incident === undefined || agent.bucketStartMs - incident.lastMs > this.ctx.settings.cooldownMs + this.ctx.settings.bucketMs) return;
    const perMinute = (count * 60_000) / this.ctx.settings.bucketMs;
    if (incident.magnitude === undefined || perMinute <= incident.magnitude) return;
    incident.magnitude = perMinute;
    if (incident.acceptedNormal) agent.accepted?.accept('rate_spike', { magnitude: perMinute });
  }

  /**
   * Resolves the incidents quiet for `cooldownMs` at event time `nowMs` (of the agents `owns`
   * accepts: the live service passes one partition's agents with that partition's clock).
   */
  resolveQuiet(nowMs: number, detectedAtMs: number, owns?: (agentId: string) => boolean): readonly Alert[] {
    const out: Alert[] = [];
    this.resolveQuietInto(nowMs, detectedAtMs, owns, out);
    return out;
  }

  private resolveQuietInto(nowMs: number, detectedAtMs: number, owns: ((agentId: string) => boolean) | undefined, out: Alert[]): void {
    for (const agentId of this.unresolved) {
      if (owns !== undefined && !owns(agentId)) continue;
      const agent = this.agents.get(agentId);
      if (agent === undefined) this.unresolved.delete(agentId);
      else this.resolveAgent(agent, nowMs, detectedAtMs, out);
    }
  }

  private resolveAgent(agent: AgentBaseline, nowMs: number, detectedAtMs: number, out: Alert[]): void {
    let open = false;
    for (const incident of agent.incidents?.values() ?? []) {
      if (isQuiet(incident, nowMs, this.ctx.settings.cooldownMs)) this.close(incident, incident.lastMs + this.ctx.settings.cooldownMs, detectedAtMs, 'quiet', out);
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

  private openOrUpdateIncident(agent: AgentBaseline, finding: Finding, event: AuditEvent, detectedAtMs: number, out: Alert[]): void {
    const incidents = (agent.incidents ??= new Map());
    const open = incidents.get(finding.detector);
    const ep = this.ctx.settings.episodes;
    if (open !== undefined && open.resolved !== true && event.timeMs - open.lastMs <= this.ctx.settings.cooldownMs && event.timeMs >= open.openedMs) {
      this.stats.incidentUpdates++;
      const update = foldTrigger(open, finding, event, detectedAtMs, ep.updateIntervalMs, ep.updates);
      if (update) {
        this.stats.updates++;
        out.push(update);
      }
      return;
    }
    const pattern = findingPattern(finding, agent);
    const accepted = open?.acceptedNormal === true && event.timeMs - open.lastMs <= this.ctx.settings.cooldownMs;
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

  /**
   * Records an analyst's verdict. Applied at once when its alert's incident is known here, else
   * when the alert is raised (a replay given the feedback file applies each verdict right after
   * its alert, so two replays agree). Returns the messages it causes (a `resolved` for `normal`).
   */
  addVerdict(verdict: Verdict, detectedAtMs: number): readonly Alert[] {
    this.verdicts.delete(verdict.alertId);
    this.verdicts.set(verdict.alertId, verdict);
    if (this.verdicts.size > this.ctx.settings.feedback.maxVerdicts) this.verdicts.delete(this.verdicts.keys().next().value as string);
    const out: Alert[] = [];
    for (const agent of this.agents.values()) {
      for (const [detector, incident] of agent.incidents ?? []) {
        if (incident.alertId === verdict.alertId) {
          this.applyVerdict(agent, detector, incident, verdict, Math.max(incident.lastMs, this.clockMs), detectedAtMs, out);
          return out;
        }
      }
    }
    return out;
  }

  /** The agent whose incident an alert id belongs to, if it is in memory (for feedback routing). */
  agentOfAlert(alertId: string): string | undefined {
    for (const agent of this.agents.values()) for (const incident of agent.incidents?.values() ?? []) if (incident.alertId === alertId) return agent.agentId;
    return undefined;
  }

  private applyVerdict(agent: AgentBaseline, detector: string, incident: OpenIncident, verdict: Verdict, nowMs: number, detectedAtMs: number, out: Alert[]): void {
    this.stats.verdictsApplied++;
    if (applyVerdict(agent, detector, incident, verdict, this.ctx.settings.feedback.maxPatternsPerDetector) && incident.resolved !== true) {
      this.close(incident, nowMs, detectedAtMs, 'normal', out);
    }
  }

  private peersOf(agentClass: string | undefined): ClassBaseline | undefined {
    if (agentClass === undefined) return undefined;
    let c = this.classes.get(agentClass);
    if (!c) {
      const seen = this.ctx.settings.seen;
      c = new ClassBaseline(agentClass, seen.maxPermissions, seen.forgetAfterMs, this.ctx.settings.sketch.relativeAccuracy, this.ctx.settings.sketch.binLimit);
      this.classes.set(agentClass, c);
    }
    return c;
  }

  private createAgent(agentId: string): AgentBaseline {
    if (this.agents.size >= this.ctx.settings.maxAgents) this.evictLeastRecent();
    const agent = new AgentBaseline(agentId, this.ctx);
    this.agents.set(agentId, agent);
    return agent;
  }

  /** Forgets agents silent for `agentIdleForgetMs`, once per hour of event time. */
  private sweep(nowMs: number): void {
    this.sweepAtMs = nowMs + SWEEP_EVERY_MS;
    const cutoff = nowMs - this.ctx.settings.agentIdleForgetMs;
    for (const [id, a] of this.agents) {
      if (a.lastSeenMs < cutoff) {
        this.agents.delete(id);
        this.stats.evictedAgents++;
      }
    }
  }

  /** At capacity: drops the least recently active 1 % at once, so the O(n) scan stays rare. */
  private evictLeastRecent(): void {
    const byAge = [...this.agents.values()].sort((x, y) => x.lastSeenMs - y.lastSeenMs || (x.agentId < y.agentId ? -1 : 1));
    const n = Math.max(1, Math.floor(byAge.length / 100));
    for (let i = 0; i < n; i++) this.agents.delete((byAge[i] as AgentBaseline).agentId);
    this.stats.evictedAgents += n;
  }

  snapshotAgent(agentId: string): AgentSnapshot | undefined {
    const a = this.agents.get(agentId);
    return a && snapshotAgent(a);
  }

  restoreAgent(snapshot: AgentSnapshot): void {
    const agent = restoreAgent(snapshot, this.ctx);
    agent.peers = this.peersOf(agent.agentClass);
    // The class learns again what its restored members had requested.
    for (const [permission, , lastMs] of snapshot.permissions ?? []) agent.peers?.permissions.touch(permission, lastMs);
    // A restored history is not a cold start: it begins when the oldest restored agent was first seen.
    if (agent.firstSeenMs < this.ctx.stream.startedAtMs) this.ctx.stream.startedAtMs = agent.firstSeenMs;
    this.agents.set(snapshot.agentId, agent);
    for (const incident of agent.incidents?.values() ?? []) if (incident.resolved !== true && incident.last !== undefined) this.unresolved.add(agent.agentId);
  }

  dropAgent(agentId: string): void {
    this.agents.delete(agentId);
    this.unresolved.delete(agentId);
  }

  snapshot(): EngineSnapshot {
    const ids = [...this.agents.keys()].sort();
    return { v: 1, sweepAtMs: Number.isFinite(this.sweepAtMs) ? this.sweepAtMs : null, agents: ids.map((id) => snapshotAgent(this.agents.get(id) as AgentBaseline)) };
  }

  restore(snapshot: EngineSnapshot): void {
    this.agents.clear();
    this.unresolved.clear();
    this.ctx.stream.startedAtMs = Number.POSITIVE_INFINITY;
    this.sweepAtMs = snapshot.sweepAtMs ?? Number.NEGATIVE_INFINITY;
    for (const s of snapshot.agents) this.restoreAgent(s);
  }
}

export interface EngineSnapshot {
  v: 1;
  sweepAtMs: number | null;
  agents: AgentSnapshot[];
}
