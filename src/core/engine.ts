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

const NO_ALERTS: readonly Alert[] = Object.freeze([]);
const SWEEP_EVERY_MS = 3_600_000;

export interface EngineStats {
  events: number;
  /** Events older than their agent's current bucket (beyond the reorder window). */
  lateEvents: number;
  alerts: number;
  /** Triggers folded into an open incident instead of a new alert (cooldown). */
  incidentUpdates: number;
  evictedAgents: number;
}

/**
 * The detection engine: pure and synchronous, driven by event time alone. The same instance
 * code runs behind replay and the live Kafka service, so a replay reproduces live alerts.
 */
export class Engine {
  readonly ctx: EngineContext;
  readonly stats: EngineStats = { events: 0, lateEvents: 0, alerts: 0, incidentUpdates: 0, evictedAgents: 0 };
  private readonly agents = new Map<string, AgentBaseline>();
  private readonly classes = new Map<string, ClassBaseline>();
  private readonly detectors: readonly Detector[];
  private sweepAtMs = Number.NEGATIVE_INFINITY;

  constructor(settings: EngineSettings, declared: DeclaredBaselines = DeclaredBaselines.empty()) {
    this.ctx = createEngineContext(settings, declared);
    this.detectors = detectorRegistry.filter((d) => d.enabled(this.ctx));
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
      agent.advance(event.timeMs, this.ctx);
    }
    const newResource = event.resource !== undefined && agent.resources.touch(event.resource, event.timeMs);
    agent.record(event, this.ctx, newResource);
    let alerts: Alert[] | undefined;
    for (const detector of this.detectors) {
      const finding = detector.check(this.ctx, agent, event);
      if (finding === undefined) continue;
      const alert = this.openOrUpdateIncident(agent, finding, event, detectedAtMs);
      if (alert) (alerts ??= []).push(alert);
    }
    return alerts ?? NO_ALERTS;
  }

  private openOrUpdateIncident(agent: AgentBaseline, finding: Finding, event: AuditEvent, detectedAtMs: number): Alert | undefined {
    const incidents = (agent.incidents ??= new Map());
    const open = incidents.get(finding.detector);
    if (open !== undefined && event.timeMs - open.lastMs <= this.ctx.settings.cooldownMs && event.timeMs >= open.openedMs) {
      open.count++;
      open.lastMs = Math.max(open.lastMs, event.timeMs);
      this.stats.incidentUpdates++;
      return undefined;
    }
    const id = alertId(agent.agentId, finding.detector, event.id);
    incidents.set(finding.detector, { alertId: id, openedMs: event.timeMs, lastMs: event.timeMs, count: 1 });
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
    return alert;
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
  }

  dropAgent(agentId: string): void {
    this.agents.delete(agentId);
  }

  snapshot(): EngineSnapshot {
    const ids = [...this.agents.keys()].sort();
    return { v: 1, sweepAtMs: Number.isFinite(this.sweepAtMs) ? this.sweepAtMs : null, agents: ids.map((id) => snapshotAgent(this.agents.get(id) as AgentBaseline)) };
  }

  restore(snapshot: EngineSnapshot): void {
    this.agents.clear();
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
