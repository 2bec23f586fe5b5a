import type { Alert } from './alerts/alert.js';
import { IncidentBook, type IncidentStats } from './alerts/incident-book.js';
import { AgentBaseline } from './baselines/agent-baseline.js';
import { type AgentSnapshot, restoreAgent, snapshotAgent } from './baselines/agent-baseline-snapshot.js';
import { ClassBaseline } from './baselines/class-baseline.js';
import { DeclaredBaselines } from './baselines/declared-baselines.js';
import { holdInGrace, noteDeploy } from './baselines/grace-period.js';
import type { Detector } from './detectors/detector.js';
import { detectorRegistry } from './detectors/registry.js';
import { type EngineContext, createEngineContext } from './engine-context.js';
import type { EngineSettings } from './engine-settings.js';
import type { AuditEvent } from './events/audit-event.js';
import { StreamWatermark } from './events/stream-watermark.js';
import { RecentIds, idHash } from './baselines/recent-ids.js';
import type { Verdict } from './feedback/verdict.js';

const NO_ALERTS: readonly Alert[] = Object.freeze([]);
const SWEEP_EVERY_MS = 3_600_000;
/** Ticks fall on whole minutes of event time (at least), so a replay and the live service judge at the same instants. */
const TICK_MS = 60_000;

export interface EngineOptions {
  /**
   * Resolve quiet incidents by the engine's own event-time clock (the latest event time seen).
   * Right when events arrive in one event-time order (replay); the live service turns it off and
   * calls `resolveQuiet` per input partition, whose clocks may be hours apart.
   */
  resolveByStreamClock?: boolean;
  /** Called for every agent the engine forgets on its own (idle, agent cap, memory budget); the live service tombstones it. */
  onEvict?: (agentId: string) => void;
}

export interface EngineStats extends IncidentStats {
  events: number;
  /** Events older than their agent's current bucket (beyond the reorder window). */
  lateEvents: number;
  evictedAgents: number;
  /** Events at or before their agent's recorded input position: already learned, skipped (live re-reads). */
  relearnedSkipped: number;
  /** The same event (id and time) again within `duplicates.windowMs`: counted, not learned twice. */
  duplicates: number;
  /** Peer groups forgotten to stay within the memory budget or for being idle. */
  evictedClasses: number;
  /** Learned alerts held back in a grace period (after a deploy, in a maintenance window): issue 14, item 7. */
  graceHeld: number;
}

/**
 * The detection engine: pure and synchronous, driven by event time alone. The same instance
 * code runs behind replay and the live Kafka service, so a replay reproduces live alerts.
 */
export class Engine {
  readonly ctx: EngineContext;
  readonly stats: EngineStats = {
    events: 0,
    lateEvents: 0,
    alerts: 0,
    incidentUpdates: 0,
    updates: 0,
    resolved: 0,
    suppressed: 0,
    verdictsApplied: 0,
    evictedAgents: 0,
    relearnedSkipped: 0,
    duplicates: 0,
    evictedClasses: 0,
    graceHeld: 0,
  };
  private readonly agents = new Map<string, AgentBaseline>();
  private readonly classes = new Map<string, ClassBaseline>();
  private readonly detectors: readonly Detector[];
  /** Detectors judged from the event-time tick (silences). */
  private readonly tickers: readonly Detector[];
  private tickedMs = Number.NEGATIVE_INFINITY;
  /** Event time between two scans of Engine.tick (the live service gates each partition by it). */
  readonly tickIntervalMs: number;
  private sweepAtMs = Number.NEGATIVE_INFINITY;
  /** Drives the idle sweep and quiet resolution: one agent's clock never evicts or resolves another's (issue 12). */
  private readonly clock = new StreamWatermark();
  private readonly incidents: IncidentBook;
  /** Approximate bytes of all agents and peer groups (issue 13: one budget bounds all state). */
  private stateBytes = 0;
  private readonly maxStateBytes: number;
  private readonly onEvict: ((agentId: string) => void) | undefined;

  constructor(settings: EngineSettings, declared: DeclaredBaselines = DeclaredBaselines.empty(), options: EngineOptions = {}) {
    this.ctx = createEngineContext(settings, declared);
    this.maxStateBytes = settings.maxStateBytes ?? Number.POSITIVE_INFINITY;
    this.onEvict = options.onEvict;
    this.detectors = detectorRegistry.filter((d) => d.enabled(this.ctx));
    this.tickers = this.detectors.filter((d) => d.tick !== undefined);
    // The scan runs as often as the most frequent ticking detector needs, on whole minutes.
    const every = Math.min(...this.tickers.map((d) => d.tickEveryMs?.(this.ctx) ?? TICK_MS));
    this.tickIntervalMs = Number.isFinite(every) ? Math.max(TICK_MS, Math.ceil(every / TICK_MS) * TICK_MS) : TICK_MS;
    this.incidents = new IncidentBook(this.ctx, this.stats, this.detectors, this.agents, options.resolveByStreamClock ?? true);
  }

  get agentCount(): number {
    return this.agents.size;
  }

  /** Approximate bytes of the learned state, against `maxStateBytes`. */
  get stateBytesApprox(): number {
    return this.stateBytes;
  }

  get peerGroupCount(): number {
    return this.classes.size;
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
   * `position` (live): the event's place in its source, increasing per agent; an event at or
   * before the agent's recorded position was learned already and is skipped.
   * `known`: what `agent(event.agentId)` returned just before, when the caller looked it up
   * already (the live service, for its relearn check): one `Map` lookup per event, not two
   * (issue 16, item 4). Without it (or undefined, an agent not yet known) the engine looks.
   */
  process(event: AuditEvent, detectedAtMs: number, position?: number, known?: AgentBaseline): readonly Alert[] {
    const dup = this.ctx.settings.duplicates;
    // Read once: a double field read again for each call is boxed again for each (issue 16, item 1).
    const timeMs = event.timeMs;
    let agent = known ?? this.agents.get(event.agentId);
    if (agent !== undefined) {
      if (position !== undefined && agent.inputPosition >= position) {
        this.stats.relearnedSkipped++;
        return NO_ALERTS;
      }
      if (dup.windowMs > 0 && (agent.recentIds ??= new RecentIds(dup.maxIdsPerAgent)).seenOrAdd(idHash(event.id), timeMs, dup.windowMs)) {
        this.stats.duplicates++;
        return NO_ALERTS;
      }
    }
    this.stats.events++;
    if (timeMs < this.ctx.stream.startedAtMs) this.ctx.stream.startedAtMs = timeMs;
    this.clock.observe(event.agentId, timeMs);
    const robustMs = this.clock.robustMs;
    if (robustMs >= this.sweepAtMs) {
      this.sweep(robustMs);
      // Back after longer than agentIdleForgetMs: it starts afresh.
      if (agent !== undefined && !this.agents.has(event.agentId)) agent = undefined;
    }
    const bytesBefore = agent === undefined ? 0 : agent.approxBytes();
    if (agent === undefined) {
      agent = this.createAgent(event.agentId);
      agent.start(event, this.ctx);
      if (dup.windowMs > 0) (agent.recentIds = new RecentIds(dup.maxIdsPerAgent)).seenOrAdd(idHash(event.id), timeMs, dup.windowMs);
      agent.peers = this.peersOf(agent.agentClass, timeMs);
    } else if (timeMs < agent.bucketStartMs) {
      this.stats.lateEvents++;
    } else {
      const closing = agent.bucketStartMs;
      const count = agent.bucketCount;
      agent.advance(timeMs, this.ctx);
      if (agent.bucketStartMs !== closing && agent.incidents !== undefined) this.incidents.bucketClosed(agent, count);
    }
    // No array per event: almost every event raises nothing.
    let alerts: Alert[] | undefined;
    if (this.incidents.hasUnresolved) this.incidents.beforeEvent(agent, timeMs, this.clock.clockMs, detectedAtMs, (alerts = []));
    const newResource = event.resource !== undefined && agent.resources.touch(event.resource, timeMs);
    agent.record(event, this.ctx, newResource);
    if (position !== undefined) agent.inputPosition = position;
    noteDeploy(this.ctx, agent, event);
    const detectors = this.detectors;
    for (let d = 0; d < detectors.length; d++) {
      const detector = detectors[d] as Detector;
      const finding = detector.check(this.ctx, agent, event);
      if (finding === undefined) continue;
      if (holdInGrace(this.ctx, agent, detector, finding, timeMs, this.stats)) continue;
      this.incidents.raise(agent, finding, event, detectedAtMs, (alerts ??= []));
    }
    this.stateBytes += agent.approxBytes() - bytesBefore;
    if (this.stateBytes > this.maxStateBytes) this.evictForBudget(agent);
    return alerts !== undefined && alerts.length > 0 ? alerts : NO_ALERTS;
  }

  /**
   * Resolves the incidents quiet for `cooldownMs` at event time `nowMs` (of the agents `owns`
   * accepts: the live service passes one partition's agents with that partition's clock).
   */
  resolveQuiet(nowMs: number, detectedAtMs: number, owns?: (agentId: string) => boolean): readonly Alert[] {
    const out: Alert[] = [];
    this.incidents.resolveQuiet(nowMs, detectedAtMs, owns, out);
    return out;
  }

  /**
   * Advances event time for agents that send nothing: `nowMs` is the stream's watermark
   * (replay) or one partition's clock (live, with `owns`). Judges silences (rate_drop, issue 14)
   * and returns what they raise. Ticks fall on whole multiples of `tickIntervalMs` (the ticking
   * detectors' interval: rate_drop's judgeEveryMs); without `owns` each is scanned once however
   * often this is called (O(agents) per interval of event time); with `owns` the caller calls it
   * once per interval of its clock.
   */
  tick(nowMs: number, detectedAtMs: number, owns?: (agentId: string) => boolean): readonly Alert[] {
    // Never ahead of what the fleet, minus its one outlier, has reached: an agent whose clock runs
    // hours ahead must not make every other agent look silent (issue 12).
    const clampedMs = Math.min(nowMs, this.clock.robustMs);
    if (this.tickers.length === 0 || !Number.isFinite(clampedMs)) return NO_ALERTS;
    const every = this.tickIntervalMs;
    const atMs = clampedMs - (((clampedMs % every) + every) % every);
    if (owns === undefined) {
      if (atMs <= this.tickedMs) return NO_ALERTS;
      this.tickedMs = atMs;
    }
    let alerts: Alert[] | undefined;
    for (const agent of this.agents.values()) {
      if (owns !== undefined && !owns(agent.agentId)) continue;
      for (const detector of this.tickers) {
        const finding = (detector.tick as NonNullable<Detector['tick']>)(this.ctx, agent, atMs);
        if (finding === undefined || holdInGrace(this.ctx, agent, detector, finding, atMs, this.stats)) continue;
        this.incidents.raise(agent, finding, { id: finding.eventId ?? `tick@${atMs}`, timeMs: atMs }, detectedAtMs, (alerts ??= []));
      }
    }
    return alerts ?? NO_ALERTS;
  }

  /**
   * Records an analyst's verdict. Applied at once when its alert's incident is known here, else
   * when the alert is raised (a replay given the feedback file applies each verdict right after
   * its alert, so two replays agree). Returns the messages it causes (a `resolved` for `normal`).
   */
  addVerdict(verdict: Verdict, detectedAtMs: number): readonly Alert[] {
    const out: Alert[] = [];
    this.incidents.addVerdict(verdict, detectedAtMs, out);
    return out;
  }

  /** The agent whose incident an alert id belongs to, if it is in memory (for feedback routing). */
  agentOfAlert(alertId: string): string | undefined {
    return this.incidents.find(alertId)?.agent.agentId;
  }

  private peersOf(agentClass: string | undefined, nowMs: number): ClassBaseline | undefined {
    if (agentClass === undefined) return undefined;
    let c = this.classes.get(agentClass);
    if (c !== undefined) {
      if (nowMs > c.joinedMs) c.joinedMs = nowMs;
      return c;
    }
    if (!c) {
      const seen = this.ctx.settings.seen;
      c = new ClassBaseline(agentClass, seen.maxPermissions, seen.forgetAfterMs, this.ctx.settings.sketch.relativeAccuracy, this.ctx.settings.sketch.binLimit);
      c.joinedMs = nowMs;
      this.classes.set(agentClass, c);
      this.stateBytes += classBytes(c);
    }
    return c;
  }

  private createAgent(agentId: string): AgentBaseline {
    if (this.agents.size >= this.ctx.settings.maxAgents) this.evictLeastRecent();
    const agent = new AgentBaseline(agentId, this.ctx);
    this.agents.set(agentId, agent);
    return agent;
  }

  /**
   * Once per hour of event time: forgets agents silent for `agentIdleForgetMs` and peer groups
   * with no activity for as long, and recounts the state's bytes (the running count drifts with
   * what peer groups learn between sweeps).
   */
  private sweep(nowMs: number): void {
    this.sweepAtMs = nowMs + SWEEP_EVERY_MS;
    const cutoff = nowMs - this.ctx.settings.agentIdleForgetMs;
    let bytes = 0;
    for (const [id, a] of this.agents) {
      if (a.lastSeenMs < cutoff) this.evict(id, a);
      else bytes += a.approxBytes();
    }
    for (const [name, c] of this.classes) {
      if (c.activeMs < cutoff) {
        this.classes.delete(name);
        this.stats.evictedClasses++;
      } else bytes += classBytes(c);
    }
    this.stateBytes = bytes;
  }

  private evict(id: string, a: AgentBaseline): void {
    this.agents.delete(id);
    this.incidents.forget(id);
    this.stateBytes -= a.approxBytes();
    this.stats.evictedAgents++;
    this.onEvict?.(id);
  }

  /** At capacity: drops the least recently active 1 % at once, so the O(n) scan stays rare. */
  private evictLeastRecent(): void {
    const byAge = this.byActivity();
    const n = Math.max(1, Math.floor(byAge.length / 100));
    for (let i = 0; i < n; i++) this.evict((byAge[i] as AgentBaseline).agentId, byAge[i] as AgentBaseline);
  }

  /**
   * Over the memory budget: the least recently active agents go until a tenth of the budget is
   * free (so the O(n log n) ordering stays rare under a flood of new ids), and peer groups no
   * more recent than the last agent evicted go with them. `keep` (the agent of the event at
   * hand) stays.
   */
  private evictForBudget(keep: AgentBaseline): void {
    const target = this.maxStateBytes * 0.9;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const a of this.byActivity()) {
      if (this.stateBytes <= target) break;
      if (a === keep) continue;
      lastMs = a.lastSeenMs;
      this.evict(a.agentId, a);
    }
    for (const [name, c] of this.classes) {
      if (c.activeMs > lastMs || c === keep.peers) continue;
      this.classes.delete(name);
      this.stateBytes -= classBytes(c);
      this.stats.evictedClasses++;
    }
  }

  private byActivity(): AgentBaseline[] {
    return [...this.agents.values()].sort((x, y) => x.lastSeenMs - y.lastSeenMs || (x.agentId < y.agentId ? -1 : 1));
  }

  snapshotAgent(agentId: string): AgentSnapshot | undefined {
    const a = this.agents.get(agentId);
    return a && snapshotAgent(a);
  }

  restoreAgent(snapshot: AgentSnapshot): void {
    const agent = restoreAgent(snapshot, this.ctx);
    agent.peers = this.peersOf(agent.agentClass, agent.lastSeenMs);
    // The class learns again what its restored members had requested.
    for (const [permission, , lastMs] of snapshot.permissions ?? []) agent.peers?.permissions.touch(permission, lastMs);
    // A restored history is not a cold start: it begins when the oldest restored agent was first seen.
    if (agent.firstSeenMs < this.ctx.stream.startedAtMs) this.ctx.stream.startedAtMs = agent.firstSeenMs;
    const replaced = this.agents.get(snapshot.agentId);
    if (replaced !== undefined) this.stateBytes -= replaced.approxBytes();
    else if (this.agents.size >= this.ctx.settings.maxAgents) this.evictLeastRecent();
    this.agents.set(snapshot.agentId, agent);
    this.stateBytes += agent.approxBytes();
    this.incidents.restored(agent);
    // A restore obeys the cap and the budget like a new agent does (issue 13).
    if (this.stateBytes > this.maxStateBytes) this.evictForBudget(agent);
  }

  /** Forgets an agent another instance now owns (a revoked partition): not an eviction. */
  dropAgent(agentId: string): void {
    const a = this.agents.get(agentId);
    if (a === undefined) return;
    this.agents.delete(agentId);
    this.stateBytes -= a.approxBytes();
    this.incidents.forget(agentId);
  }

  snapshot(): EngineSnapshot {
    const ids = [...this.agents.keys()].sort();
    return {
      v: 1,
      sweepAtMs: Number.isFinite(this.sweepAtMs) ? this.sweepAtMs : null,
      agents: ids.map((id) => snapshotAgent(this.agents.get(id) as AgentBaseline)),
    };
  }

  restore(snapshot: EngineSnapshot): void {
    this.agents.clear();
    this.stateBytes = 0;
    this.incidents.forget();
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

/** Fixed part of a peer group's footprint (sketch, hour profile) plus its remembered permissions. */
const CLASS_FIXED_BYTES = 2_400;
function classBytes(c: ClassBaseline): number {
  return CLASS_FIXED_BYTES + c.agentClass.length + c.permissions.bytes;
}
