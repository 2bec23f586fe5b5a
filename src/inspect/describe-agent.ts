import type { AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { CountSketch } from '../core/baselines/count-sketch.js';
import { HourProfile } from '../core/baselines/hour-profile.js';
import type { MaintenanceMatch } from '../core/baselines/maintenance-windows.js';
import type { SeenSetSnapshot } from '../core/baselines/seen-set.js';
import type { EngineSettings } from '../core/engine-settings.js';
import { own } from '../core/own-property.js';
import { rateSpikeBar } from '../core/detectors/rate-spike.js';
import { type RateWindowsDescription, describeRateWindows } from './describe-rate-windows.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface SeenValue {
  value: string;
  firstSeen: string;
  lastSeen: string;
}

/** Most recently used first, at most `limit` of them; `more` counts the rest. */
export interface SeenList {
  total: number;
  shown: SeenValue[];
  more: number;
}

export interface OpenIncidentDescription {
  alertId: string;
  detector: string;
  severity?: string;
  summary?: string;
  opened: string;
  lastTrigger: string;
  triggers: number;
  acceptedNormal: boolean;
}

/** What agentwatch believes is normal for one agent, in plain numbers (inspect, report). */
export interface AgentDescription {
  agentId: string;
  agentClass?: string;
  tenant?: string;
  firstSeen: string;
  lastSeen: string;
  events: number;
  learning: {
    learning: boolean;
    days: number;
    /** When the learning period ends (from the first event), if not yet over. */
    until?: string;
    /** Events still needed, if fewer than `minLearningEvents` were seen. */
    eventsNeeded?: number;
  };
  /** Rates in events per minute. */
  rates: {
    /** Quantiles of the minutes with any activity (bucket-count sketch, window `sketch.windowMs`). */
    activeMinute: { p50: number; p90: number; p99: number };
    /** Active minutes the quantiles rest on (decayed weight). */
    activeMinutes: number;
    /** Exponentially weighted mean and standard deviation, idle minutes counted as 0. */
    ewma: { fast: { halfLifeMs: number; mean: number; stddev: number }; slow: { halfLifeMs: number; mean: number; stddev: number } };
  };
  /**
   * The agent's week in its local time: `week[day][hour]` typical events in that hour (weekly
   * EWMA; Monday first; null: never observed).
   */
  week: (number | null)[][];
  /** UTC offset of the local time used (as of the agent's latest hour), in minutes. */
  utcOffsetMinutes: number;
  timezone?: string;
  /** Per local hour of the day: the usual busiest minute, and the rate above which rate_spike fires (null while learning or disabled). */
  hourOfDay: { usualPeakPerMinute: number; alertAbovePerMinute: number | null }[];
  resources: SeenList;
  sensitiveResources: SeenList;
  permissions: SeenList;
  locations: SeenList;
  openIncidents: OpenIncidentDescription[];
  /** What analysts marked normal, per detector: exact patterns, and the largest magnitude (rate, share) accepted. */
  acceptedPatterns: Record<string, { patterns: number; upTo: number | null }>;
  peers?: { agentClass: string; members: string[]; more: number };
  /** rate_spike's 5- and 15-minute windows in one local hour (`--hour`, default the agent's current one). */
  rateWindows: RateWindowsDescription;
  /** Change without noise (issue 14, item 7): the last deploy's grace, declared maintenance windows, and the learned alerts held back in grace. */
  grace: GraceDescription;
}

export interface GraceDescription {
  lastDeploy?: { action: string; at: string; graceUntil: string; activeAtLastEvent: boolean };
  maintenance: MaintenanceMatch[];
  /** Alerts that would have fired, per detector, with the time of the last finding held. */
  heldAlerts: Record<string, { alerts: number; last: string }>;
  heldTotal: number;
}

export interface DescribeOptions {
  /** Values shown per list (default 10). */
  limit?: number;
  /** The other agents of the same state, for the peer group. */
  fleet?: readonly AgentSnapshot[];
  /** The declared time zone, when known (the snapshot stores only the current offset). */
  timezone?: string;
  /** The agent's declared maintenance windows, when the baselines are known. */
  maintenance?: readonly MaintenanceMatch[];
  /** The local hour of week (Monday 00:00 = 0) whose scan-window thresholds are shown; default the agent's current hour. */
  hourOfWeek?: number;
}

const LOCATION_KINDS: Record<string, string> = { c: 'country', r: 'region', n: 'network' };

function seenList(s: SeenSetSnapshot | undefined, limit: number, label: (key: string) => string = (k) => k): SeenList {
  const all = (s ?? []).slice().sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
  return {
    total: all.length,
    shown: all.slice(0, limit).map(([k, first, last]) => ({ value: label(k), firstSeen: iso(first), lastSeen: iso(last) })),
    more: Math.max(0, all.length - limit),
  };
}

function locationLabel(key: string): string {
  const kind = own(LOCATION_KINDS, key.slice(0, 1));
  return kind && key[1] === ':' ? `${kind} ${key.slice(2)}` : key;
}

/** The rate_spike threshold of a mature agent for one hour of the day: the engine's own bar (rateSpikeBar). */
function threshold(s: AgentSnapshot, settings: EngineSettings, profile: HourProfile, sketch: CountSketch, hour: number): number {
  const expected = Math.max(profile.peakAround(hour), sketch.quantile(settings.rateSpike.quantile));
  return rateSpikeBar(settings.rateSpike, expected, s.tailMultiplier, s.slow[0]);
}

function describeGrace(s: AgentSnapshot, maintenance: readonly MaintenanceMatch[]): GraceDescription {
  const g = s.grace;
  const heldAlerts: GraceDescription['heldAlerts'] = {};
  let heldTotal = 0;
  for (const [detector, alerts, lastMs] of g?.held ?? []) {
    heldAlerts[detector] = { alerts, last: iso(lastMs) };
    heldTotal += alerts;
  }
  const out: GraceDescription = { maintenance: [...maintenance], heldAlerts, heldTotal };
  if (g !== undefined && g.deployMs !== null && g.untilMs !== null)
    out.lastDeploy = { action: g.action, at: iso(g.deployMs), graceUntil: iso(g.untilMs), activeAtLastEvent: s.lastSeenMs < g.untilMs };
  return out;
}

export function describeAgent(s: AgentSnapshot, settings: EngineSettings, opts: DescribeOptions = {}): AgentDescription {
  const limit = opts.limit ?? 10;
  const perMinute = 60_000 / settings.bucketMs;
  const span = s.lastSeenMs - s.firstSeenMs;
  const learning = span < settings.learningPeriodMs || s.eventCount < settings.minLearningEvents;
  const sketch = CountSketch.restore(s.sketch, settings.sketch.relativeAccuracy, settings.sketch.binLimit);
  const profile = HourProfile.restore(s.profile);
  const q = (p: number) => round(sketch.quantile(p) * perMinute);
  const ewma = (pair: [number, number], halfLifeMs: number) => ({
    halfLifeMs,
    mean: round(pair[0] * perMinute, 3),
    stddev: round(Math.sqrt(Math.max(0, pair[1])) * perMinute, 3),
  });
  const week: (number | null)[][] = [];
  for (let d = 0; d < 7; d++) {
    const row: (number | null)[] = [];
    for (let h = 0; h < 24; h++) {
      const v = profile.weekly(d * 24 + h);
      row.push(Number.isNaN(v) ? null : round(v, 1));
    }
    week.push(row);
  }
  const judged = !learning && settings.rateSpike.enabled;
  const hourOfDay = Array.from({ length: 24 }, (_, h) => ({
    usualPeakPerMinute: round(profile.peakAround(h) * perMinute),
    alertAbovePerMinute: judged ? round(threshold(s, settings, profile, sketch, h) * perMinute) : null,
  }));
  const openIncidents = s.incidents
    .filter(([, i]) => i.resolved !== true)
    .map(([detector, i]) => ({
      alertId: i.alertId,
      detector,
      ...(i.last?.severity !== undefined && { severity: i.last.severity }),
      ...(i.last?.summary !== undefined && { summary: i.last.summary }),
      opened: iso(i.openedMs),
      lastTrigger: iso(i.lastMs),
      triggers: i.count,
      acceptedNormal: i.acceptedNormal === true,
    }))
    .sort((a, b) => (a.opened < b.opened ? 1 : -1));
  const acceptedPatterns: AgentDescription['acceptedPatterns'] = {};
  for (const [detector, keys, magnitude] of s.accepted ?? []) acceptedPatterns[detector] = { patterns: keys.length, upTo: magnitude };
  const d: AgentDescription = {
    agentId: s.agentId,
    grace: describeGrace(s, opts.maintenance ?? []),
    firstSeen: iso(s.firstSeenMs),
    lastSeen: iso(s.lastSeenMs),
    events: s.eventCount,
    learning: {
      learning,
      days: round(span / DAY_MS),
      ...(span < settings.learningPeriodMs && { until: iso(s.firstSeenMs + settings.learningPeriodMs) }),
      ...(s.eventCount < settings.minLearningEvents && { eventsNeeded: settings.minLearningEvents - s.eventCount }),
    },
    rates: {
      activeMinute: { p50: q(0.5), p90: q(0.9), p99: q(0.99) },
      activeMinutes: round(s.sketch.count, 1),
      ewma: { fast: ewma(s.fast, settings.ewma.fastHalfLifeMs), slow: ewma(s.slow, settings.ewma.slowHalfLifeMs) },
    },
    week,
    utcOffsetMinutes: Math.round(s.hour.offsetMs / 60_000),
    hourOfDay,
    rateWindows: describeRateWindows(s, settings, learning, opts.timezone, opts.hourOfWeek),
    resources: seenList(s.resources, limit),
    sensitiveResources: seenList(s.sensitive, limit),
    permissions: seenList(s.permissions, limit),
    locations: seenList(s.locations?.known, limit, locationLabel),
    openIncidents,
    acceptedPatterns,
  };
  if (s.agentClass !== undefined) {
    d.agentClass = s.agentClass;
    const members = (opts.fleet ?? [])
      .filter((o) => o.agentClass === s.agentClass && o.agentId !== s.agentId)
      .map((o) => o.agentId)
      .sort();
    d.peers = { agentClass: s.agentClass, members: members.slice(0, limit), more: Math.max(0, members.length - limit) };
  }
  if (s.tenant !== undefined) d.tenant = s.tenant;
  if (opts.timezone !== undefined) d.timezone = opts.timezone;
  return d;
}
