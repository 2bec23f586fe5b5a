import type { Alert } from '../core/alerts/alert.js';
import type { AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { SEVERITY_ORDER, type Severity } from '../core/detectors/detector.js';
import type { EngineSettings } from '../core/engine-settings.js';
import { hourOfWeek, timezoneOffsetMs } from '../core/time/timezone.js';
import { describeAgent } from '../inspect/describe-agent.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Up to this span the timeline has a bar per hour; beyond, a bar per day. */
const HOURLY_UP_TO_MS = 4 * DAY_MS;
const MAX_LISTED_INCIDENTS = 300;
/**
 * Longest period charted. Alert times come from events, which may say year 9999 or epoch-ms
 * 8.64e15: a range stretched to them made millions of daily buckets and hourly points (a stack
 * overflow in the chart, then an out-of-memory). Beyond this the busiest window is charted and
 * the rest counted as outside it.
 */
export const MAX_RANGE_MS = 400 * DAY_MS;
/** The latest time a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** Events per minute of each agent, by minute index (epoch ms / 60 000), from the event files. */
export type MinuteCounts = ReadonlyMap<number, number>;

export interface ReportInput {
  /** Every message of the alerts file: openings, updates and resolutions. */
  alerts: readonly Alert[];
  settings: EngineSettings;
  /** Learned baselines (`--state`): the per-agent bands. */
  agents?: readonly AgentSnapshot[];
  /** Per-minute event counts of the agents to chart (`--events`). */
  rates?: ReadonlyMap<string, MinuteCounts>;
  /** Declared time zones, where known (the snapshot holds only the latest UTC offset). */
  timezones?: ReadonlyMap<string, string>;
  /** Agents given a chart of their own: the noisiest (default 6). */
  topAgents?: number;
}

export interface Incident {
  id: string;
  agentId: string;
  detector: string;
  severity: Severity;
  timeMs: number;
  summary: string;
  /** Messages about it after the opening one. */
  updates: number;
  resolvedMs?: number;
}

export interface TimelineBucket {
  startMs: number;
  byDetector: Record<string, number>;
}

export interface HourPoint {
  startMs: number;
  /** Observed: events in the hour / 60, and its busiest minute. */
  meanPerMinute?: number;
  peakPerMinute?: number;
  /** Learned: typical events in this hour of the week / 60, the usual busiest minute, the rate_spike threshold. */
  typicalPerMinute?: number;
  usualPeakPerMinute?: number;
  alertAbovePerMinute?: number;
}

export interface AgentPanel {
  agentId: string;
  agentClass?: string;
  incidents: Incident[];
  /** One point per hour of the report's range (empty without events or state). */
  hours: HourPoint[];
  /** Where the band comes from. */
  band: 'state' | 'alerts' | 'none';
  learning?: boolean;
  /** rate_spike alerts' own expected values (the band without a state). */
  alertThresholds: { timeMs: number; thresholdPerMinute: number; typicalPeakPerMinute: number }[];
}

export interface ReportData {
  /** Whether event files were counted (observed rates). */
  eventsCounted: boolean;
  /** Whether a state was given (learned bands). */
  stateGiven: boolean;
  /** What is charted; `outside`: alerts (incidents) dated out of it (a period over MAX_RANGE_MS, or invalid times). */
  range: { fromMs: number; toMs: number; outside?: number } | undefined;
  summary: {
    incidents: number;
    bySeverity: Record<Severity, number>;
    byDetector: Record<string, number>;
    agentsAlerting: number;
    agentsKnown?: number;
    resolved: number;
    stillOpen: number;
    updates: number;
  };
  detectors: string[];
  timeline: { bucketMs: number; buckets: TimelineBucket[] };
  noisiest: { agentId: string; agentClass?: string; incidents: number; byDetector: Record<string, number>; worst: Severity }[];
  panels: AgentPanel[];
  /** Most recent first, bounded. */
  incidents: Incident[];
  incidentsNotListed: number;
}

const isOpening = (a: Alert) => a.status === undefined || a.status === 'open';

/** Folds the lifecycle messages into incidents (by alert id; duplicates of a message ignored). */
export function incidentsOf(alerts: readonly Alert[]): Incident[] {
  const byId = new Map<string, Incident>();
  const seen = new Set<string>();
  for (const a of alerts) {
    const rev = `${a.id}#${a.episode?.revision ?? (isOpening(a) ? 0 : 'x')}`;
    if (seen.has(rev)) continue;
    seen.add(rev);
    if (isOpening(a)) {
      const prior = byId.get(a.id);
      byId.set(a.id, {
        id: a.id,
        agentId: a.agentId,
        detector: a.detector,
        severity: a.severity,
        timeMs: Date.parse(a.time),
        summary: a.summary,
        updates: prior?.updates ?? 0,
        ...(prior?.resolvedMs !== undefined && { resolvedMs: prior.resolvedMs }),
      });
      continue;
    }
    // An update or resolution whose opening is not in the file (it was cut): counted on its own.
    const incident = byId.get(a.id) ?? {
      id: a.id,
      agentId: a.agentId,
      detector: a.detector,
      severity: a.severity,
      timeMs: Date.parse(a.episode?.firstTime ?? a.time),
      summary: a.summary,
      updates: 0,
    };
    byId.set(a.id, incident);
    incident.updates++;
    if (SEVERITY_ORDER.indexOf(a.severity) > SEVERITY_ORDER.indexOf(incident.severity)) incident.severity = a.severity;
    if (a.status === 'resolved') incident.resolvedMs = Date.parse(a.episode?.resolvedTime ?? a.time);
  }
  return [...byId.values()].sort((x, y) => x.timeMs - y.timeMs || (x.id < y.id ? -1 : 1));
}

const chartable = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS;

/**
 * The period to chart: from the first to the last alert or counted minute, or, when that is over
 * MAX_RANGE_MS, the window of that length holding the most of them (the latest on a tie), so a
 * few outliers cannot stretch the charts. Linear after one sort.
 */
function rangeOf(incidents: readonly Incident[], rates: ReadonlyMap<string, MinuteCounts> | undefined): ReportData['range'] {
  const times: number[] = [];
  for (const i of incidents) if (chartable(i.timeMs)) times.push(i.timeMs);
  for (const counts of rates?.values() ?? []) for (const minute of counts.keys()) if (chartable(minute * 60_000)) times.push(minute * 60_000);
  if (times.length === 0) return undefined;
  const sorted = Float64Array.from(times).sort();
  let fromMs = sorted[0] as number;
  let toMs = sorted[sorted.length - 1] as number;
  if (toMs - fromMs > MAX_RANGE_MS) {
    let best = 0;
    for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
      while ((sorted[hi] as number) - (sorted[lo] as number) > MAX_RANGE_MS) lo++;
      if (hi - lo + 1 >= best) {
        best = hi - lo + 1;
        fromMs = sorted[lo] as number;
        toMs = sorted[hi] as number;
      }
    }
  }
  const outside = incidents.reduce((n, i) => n + (i.timeMs >= fromMs && i.timeMs <= toMs ? 0 : 1), 0);
  return { fromMs, toMs, ...(outside > 0 && { outside }) };
}

function hourPoints(
  agentId: string,
  range: NonNullable<ReportData['range']>,
  input: ReportInput,
  snapshot: AgentSnapshot | undefined,
): { hours: HourPoint[]; learning?: boolean } {
  const counts = input.rates?.get(agentId);
  if (!counts && !snapshot) return { hours: [] };
  const first = Math.floor(range.fromMs / HOUR_MS) * HOUR_MS;
  const hours = new Map<number, HourPoint>();
  for (let t = first; t <= range.toMs; t += HOUR_MS) hours.set(t, { startMs: t });
  if (counts) {
    const sums = new Map<number, { events: number; peak: number }>();
    for (const [minute, n] of counts) {
      const h = Math.floor((minute * 60_000) / HOUR_MS) * HOUR_MS;
      const s = sums.get(h) ?? { events: 0, peak: 0 };
      s.events += n;
      s.peak = Math.max(s.peak, n);
      sums.set(h, s);
    }
    for (const [t, p] of hours) {
      const s = sums.get(t);
      p.meanPerMinute = s ? Math.round((s.events / 60) * 100) / 100 : 0;
      p.peakPerMinute = s ? s.peak : 0;
    }
  }
  if (!snapshot) return { hours: [...hours.values()] };
  const d = describeAgent(snapshot, input.settings, { limit: 1 });
  const tz = input.timezones?.get(agentId);
  for (const [t, p] of hours) {
    const offset = tz !== undefined ? timezoneOffsetMs(tz, t) : snapshot.hour.offsetMs;
    const slot = hourOfWeek(t + offset);
    const hod = d.hourOfDay[slot % 24];
    const typical = d.week[Math.floor(slot / 24)]?.[slot % 24];
    if (typical !== null && typical !== undefined) p.typicalPerMinute = Math.round((typical / 60) * 100) / 100;
    if (hod) {
      p.usualPeakPerMinute = hod.usualPeakPerMinute;
      if (hod.alertAbovePerMinute !== null) p.alertAbovePerMinute = hod.alertAbovePerMinute;
    }
  }
  return { hours: [...hours.values()], learning: d.learning.learning };
}

function alertThresholds(alerts: readonly Alert[], agentId: string): AgentPanel['alertThresholds'] {
  const out: AgentPanel['alertThresholds'] = [];
  for (const a of alerts) {
    if (a.agentId !== agentId || a.detector !== 'rate_spike') continue;
    const threshold = a.expected['thresholdPerMinute'];
    const typical = a.expected['typicalPeakPerMinute'];
    if (typeof threshold === 'number' && typeof typical === 'number')
      out.push({ timeMs: Date.parse(a.time), thresholdPerMinute: threshold, typicalPeakPerMinute: typical });
  }
  return out;
}

/** Everything the report shows, computed from the alerts (and the state and events when given). Pure. */
export function buildReportData(input: ReportInput): ReportData {
  const incidents = incidentsOf(input.alerts);
  const range = rangeOf(incidents, input.rates);
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  const byDetector: Record<string, number> = {};
  const byAgent = new Map<string, { incidents: Incident[]; byDetector: Record<string, number> }>();
  for (const i of incidents) {
    bySeverity[i.severity]++;
    byDetector[i.detector] = (byDetector[i.detector] ?? 0) + 1;
    const a = byAgent.get(i.agentId) ?? { incidents: [], byDetector: {} };
    a.incidents.push(i);
    a.byDetector[i.detector] = (a.byDetector[i.detector] ?? 0) + 1;
    byAgent.set(i.agentId, a);
  }
  const detectors = Object.keys(byDetector).sort((a, b) => (byDetector[b] ?? 0) - (byDetector[a] ?? 0) || (a < b ? -1 : 1));
  const classOf = new Map<string, string>();
  for (const a of input.alerts) if (a.agentClass !== undefined) classOf.set(a.agentId, a.agentClass);
  for (const s of input.agents ?? []) if (s.agentClass !== undefined) classOf.set(s.agentId, s.agentClass);

  const bucketMs = range && range.toMs - range.fromMs > HOURLY_UP_TO_MS ? DAY_MS : HOUR_MS;
  const buckets: TimelineBucket[] = [];
  if (range) {
    const first = Math.floor(range.fromMs / bucketMs) * bucketMs;
    for (let t = first; t <= range.toMs; t += bucketMs) buckets.push({ startMs: t, byDetector: {} });
    for (const i of incidents) {
      const b = buckets[Math.floor((i.timeMs - first) / bucketMs)];
      if (b) b.byDetector[i.detector] = (b.byDetector[i.detector] ?? 0) + 1;
    }
  }

  const worst = (list: Incident[]) => list.reduce<Severity>((w, i) => (SEVERITY_ORDER.indexOf(i.severity) > SEVERITY_ORDER.indexOf(w) ? i.severity : w), 'low');
  const noisiest = [...byAgent.entries()]
    .map(([agentId, a]) => ({
      agentId,
      ...(classOf.has(agentId) && { agentClass: classOf.get(agentId) as string }),
      incidents: a.incidents.length,
      byDetector: a.byDetector,
      worst: worst(a.incidents),
    }))
    .sort((x, y) => y.incidents - x.incidents || SEVERITY_ORDER.indexOf(y.worst) - SEVERITY_ORDER.indexOf(x.worst) || (x.agentId < y.agentId ? -1 : 1));

  const snapshots = new Map((input.agents ?? []).map((s) => [s.agentId, s]));
  const panels: AgentPanel[] = noisiest.slice(0, input.topAgents ?? 6).map((n) => {
    const snapshot = snapshots.get(n.agentId);
    const { hours, learning } = range ? hourPoints(n.agentId, range, input, snapshot) : { hours: [] };
    const thresholds = alertThresholds(input.alerts, n.agentId);
    return {
      agentId: n.agentId,
      ...(n.agentClass !== undefined && { agentClass: n.agentClass }),
      incidents: byAgent.get(n.agentId)?.incidents ?? [],
      hours,
      band: snapshot ? 'state' : thresholds.length ? 'alerts' : 'none',
      ...(learning !== undefined && { learning }),
      alertThresholds: thresholds,
    };
  });

  const recent = incidents.slice().reverse();
  return {
    eventsCounted: input.rates !== undefined,
    stateGiven: input.agents !== undefined,
    range,
    summary: {
      incidents: incidents.length,
      bySeverity,
      byDetector,
      agentsAlerting: byAgent.size,
      ...(input.agents && { agentsKnown: input.agents.length }),
      resolved: incidents.filter((i) => i.resolvedMs !== undefined).length,
      stillOpen: incidents.filter((i) => i.resolvedMs === undefined).length,
      updates: incidents.reduce((n, i) => n + i.updates - (i.resolvedMs !== undefined ? 1 : 0), 0),
    },
    detectors,
    timeline: { bucketMs, buckets },
    noisiest,
    panels,
    incidents: recent.slice(0, MAX_LISTED_INCIDENTS),
    incidentsNotListed: Math.max(0, recent.length - MAX_LISTED_INCIDENTS),
  };
}
