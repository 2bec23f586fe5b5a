import { buildFleet, type FleetLayout } from './agents.js';
import { planAnomalies } from './anomalies.js';
import { fleetYaml } from './baselines.js';
import { WindowBuffer } from './window-buffer.js';
import { planIncidents } from './incidents.js';
import { LateQueue } from './late.js';
import { derive } from './prng.js';
import { applyQuiet } from './quiet.js';
import { silenceFilter } from './rate-anomalies.js';
import { type NativeEvent, toLine, toNative } from './serialize.js';
import { DAY_MS, HOUR_MS, isoTime, mondayWeekday, parseStartDate } from './timezones.js';
import { AgentDay, type DayContext } from './traffic.js';
import {
  ALL_KINDS,
  ANOMALY_KINDS,
  type AnomalyPlan,
  type FleetOptions,
  type GenEvent,
  KIND_DETECTOR,
  type Label,
  type ResolvedOptions,
  type Trap,
} from './types.js';

export type { AnomalyKind, FleetOptions, Label, Trap } from './types.js';
export { ALL_KINDS, ANOMALY_KINDS, ARCHETYPES, CHANGE_KINDS, KIND_DETECTOR, RATE_KINDS } from './types.js';
export type { NativeEvent } from './serialize.js';
export { writeFleet, type WriteOptions, type FleetSummary } from './writer.js';

const EVIDENCE_LIMIT = 20;

export function resolveOptions(o: FleetOptions): ResolvedOptions {
  const start = o.start ?? '2026-03-02';
  const r: ResolvedOptions = {
    seed: o.seed,
    agents: o.agents ?? 40,
    days: o.days ?? 28,
    start,
    startMs: parseStartDate(start),
    scale: o.scale ?? 1,
    kinds: o.kinds ?? ANOMALY_KINDS,
    anomalyRate: o.anomalyRate ?? 1,
    lateFraction: o.lateFraction ?? 0.01,
    veryLateFraction: o.veryLateFraction ?? 0.0005,
    learningDays: o.learningDays ?? 8,
    quietShare: o.quietShare ?? 0,
  };
  if (!Number.isInteger(r.seed)) throw new RangeError('seed must be an integer');
  if (!(r.agents >= 1 && r.days >= 1 && r.scale > 0)) throw new RangeError('agents, days and scale must be positive');
  for (const k of r.kinds) if (!ALL_KINDS.includes(k)) throw new RangeError(`unknown anomaly kind ${k}`);
  if (!(r.quietShare >= 0 && r.quietShare <= 1)) throw new RangeError('quietShare must be between 0 and 1');
  if (r.lateFraction < 0 || r.veryLateFraction < 0 || r.lateFraction + r.veryLateFraction > 0.5) throw new RangeError('late fractions must be small');
  return r;
}

export interface FleetStats {
  events: number;
  late: number;
  veryLate: number;
}

/**
 * One generation run. Planning (agents, anomalies, incidents) is done up front and is cheap;
 * events are produced an hour at a time, so memory stays at about an hour of traffic whatever
 * the length of the period. A run can be iterated once: agents carry state (IP churn, counters).
 */
export class FleetRun {
  readonly options: ResolvedOptions;
  readonly layout: FleetLayout;
  readonly anomalies: AnomalyPlan[];
  readonly traps: Trap[];
  readonly stats: FleetStats = { events: 0, late: 0, veryLate: 0 };
  private readonly dayContext: Omit<DayContext, 'dayIdx'>;
  private started = false;

  constructor(options: FleetOptions) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.layout = buildFleet(o);
    applyQuiet(o, this.layout.agents);
    const incidents = planIncidents(o, this.layout);
    const startWeekday = mondayWeekday(o.startMs);
    // Incidents are normal operations: no anomaly is placed on an agent while one touches it.
    const busy = [...incidents.failovers, ...incidents.glitches].map((x) => ({ agent: x.agent, start: x.start, end: x.end }));
    this.anomalies = planAnomalies(o, this.layout.agents, { seed: o.seed, startMs: o.startMs, startWeekday, agents: this.layout.agents }, busy);
    this.traps = incidents.traps;
    this.dayContext = {
      seed: o.seed,
      startMs: o.startMs,
      startWeekday,
      outages: incidents.outages,
      rollouts: incidents.rollouts,
      failovers: incidents.failovers,
      glitches: incidents.glitches,
      traps: this.traps,
    };
  }

  /**
   * Events in file order (time order except the late ones), an hour at a time. One generator
   * step per hour keeps the per-event path flat and the live set small.
   */
  private *batches(): Generator<GenEvent[]> {
    if (this.started) throw new Error('a FleetRun can be iterated only once; create another');
    this.started = true;
    const o = this.options;
    const late = new LateQueue(derive(o.seed, 'late'), o.lateFraction, o.veryLateFraction);
    const buffer = new WindowBuffer(60);
    // Silences drop the agent's every event inside their window (normal traffic still drawn, so
    // the rest of the fleet is unchanged).
    const sink = silenceFilter(this.anomalies, buffer);
    let next = 0;
    for (let d = 0; d < o.days; d++) {
      const dc: DayContext = { ...this.dayContext, dayIdx: d };
      const days = this.layout.agents.map((agent) => new AgentDay(agent, dc));
      for (let h = 0; h < 24; h++) {
        const windowStart = o.startMs + d * DAY_MS + h * HOUR_MS;
        buffer.begin(windowStart);
        for (const day of days) day.hour(h, sink);
        while (next < this.anomalies.length && (this.anomalies[next] as AnomalyPlan).startMs < windowStart + HOUR_MS) {
          for (const e of (this.anomalies[next] as AnomalyPlan).build()) sink.push(e);
          next++;
        }
        yield late.process(buffer.drainSorted());
      }
    }
    yield late.process(buffer.drainLater());
    yield late.drain();
    this.stats.late = late.late;
    this.stats.veryLate = late.veryLate;
  }

  private counter = 0;

  private nextId(e: GenEvent): string {
    const id = `evt-${this.options.seed}-${++this.counter}`;
    if (e.label >= 0) {
      const plan = this.anomalies[e.label] as AnomalyPlan;
      plan.eventCount++;
      if (plan.evidence.length < EVIDENCE_LIMIT) plan.evidence.push(id);
    }
    this.stats.events = this.counter;
    return id;
  }

  /** JSON lines, the fast path (writers, benchmarks). */
  *lines(): Generator<string> {
    for (const batch of this.batches()) for (const e of batch) yield toLine(e, this.nextId(e));
  }

  /** Native event objects. */
  *events(): Generator<NativeEvent> {
    for (const batch of this.batches()) for (const e of batch) yield toNative(e, this.nextId(e));
  }

  /** Ground truth; event counts and evidence ids are complete once the events have been iterated. */
  labels(): Label[] {
    return this.anomalies.map((a) => ({
      id: `lbl-${this.options.seed}-${String(a.index + 1).padStart(3, '0')}`,
      detector: KIND_DETECTOR[a.kind],
      kind: a.kind,
      agentId: a.agent.id,
      agentClass: a.agent.agentClass,
      start: isoTime(a.startMs),
      end: isoTime(a.endMs),
      description: a.description,
      eventCount: a.eventCount,
      evidence: a.evidence,
      details: a.details,
    }));
  }

  baselinesYaml(): string {
    return fleetYaml(this.options, this.layout);
  }
}

export function createFleet(options: FleetOptions): FleetRun {
  return new FleetRun(options);
}

/** Streams the native events of a fleet; use createFleet() to also get labels and baselines. */
export function* generateFleet(options: FleetOptions): Generator<NativeEvent> {
  yield* new FleetRun(options).events();
}
