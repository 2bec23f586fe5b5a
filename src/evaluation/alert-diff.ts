import { SEVERITY_ORDER, type Severity } from '../core/detectors/detector.js';
import type { IncidentRecord } from './sweep-lanes.js';

export interface DiffExample {
  id: string;
  time: string;
  severity: Severity;
  summary?: string;
}

export interface SeverityChangeExample {
  idA: string;
  idB: string;
  /** Opening time in A and in B (they differ when matched by the window). */
  time: string;
  timeB: string;
  from: Severity;
  to: Severity;
  summary?: string;
}

export interface DiffGroup<E> {
  detector: string;
  agentId: string;
  count: number;
  examples: E[];
}

export interface DetectorDiff {
  detector: string;
  a: number;
  b: number;
  appeared: number;
  disappeared: number;
  severityChanged: number;
}

export interface AlertDiff {
  alertsA: number;
  alertsB: number;
  /** Same incident in both: same id (agent, detector, trigger event), or the same agent and detector within the window. */
  matchedById: number;
  matchedByWindow: number;
  appeared: DiffGroup<DiffExample>[];
  disappeared: DiffGroup<DiffExample>[];
  severityChanged: DiffGroup<SeverityChangeExample>[];
  byDetector: DetectorDiff[];
}

export interface DiffOptions {
  /** Unmatched alerts of one agent and detector this close in time are the same incident. */
  windowMs: number;
  /** Examples kept per group. */
  examples: number;
}

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
const keyOf = (r: IncidentRecord) => `${r.detector}\0${r.agentId}`;

function push(into: Map<string, IncidentRecord[]>, r: IncidentRecord): void {
  const k = keyOf(r);
  const list = into.get(k);
  if (list) list.push(r);
  else into.set(k, [r]);
}

/**
 * Pairs the leftovers of one agent and detector by time: each alert of A takes the nearest free
 * alert of B within the window (both lists sorted by time, so a threshold that moves a trigger a
 * few buckets later still pairs it with its own incident, not the next one).
 */
function pairByTime(a: IncidentRecord[], b: IncidentRecord[], windowMs: number): [IncidentRecord, IncidentRecord][] {
  const ta = a.map((r) => Date.parse(r.time));
  const tb = b.map((r) => Date.parse(r.time));
  const taken = new Array<boolean>(b.length).fill(false);
  const pairs: [IncidentRecord, IncidentRecord][] = [];
  let from = 0;
  for (let i = 0; i < a.length; i++) {
    const t = ta[i] as number;
    while (from < b.length && (tb[from] as number) < t - windowMs) from++;
    let best = -1;
    for (let j = from; j < b.length && (tb[j] as number) <= t + windowMs; j++) {
      if (taken[j]) continue;
      if (best < 0 || Math.abs((tb[j] as number) - t) < Math.abs((tb[best] as number) - t)) best = j;
    }
    if (best >= 0) {
      taken[best] = true;
      pairs.push([a[i] as IncidentRecord, b[best] as IncidentRecord]);
    }
  }
  return pairs;
}

function group<E>(items: { detector: string; agentId: string; time: string; example: E }[], examples: number): DiffGroup<E>[] {
  const groups = new Map<string, { detector: string; agentId: string; items: typeof items }>();
  for (const it of items) {
    const k = `${it.detector}\0${it.agentId}`;
    const g = groups.get(k) ?? { detector: it.detector, agentId: it.agentId, items: [] };
    g.items.push(it);
    groups.set(k, g);
  }
  return [...groups.values()]
    .sort((x, y) => x.detector.localeCompare(y.detector) || y.items.length - x.items.length || x.agentId.localeCompare(y.agentId))
    .map((g) => ({
      detector: g.detector,
      agentId: g.agentId,
      count: g.items.length,
      examples: g.items
        .sort((x, y) => x.time.localeCompare(y.time))
        .slice(0, examples)
        .map((x) => x.example),
    }));
}

const example = (r: IncidentRecord): DiffExample => ({
  id: r.id,
  time: r.time,
  severity: r.peakSeverity,
  ...(r.summary !== undefined && { summary: r.summary }),
});

/**
 * What changes between two runs over the same logs: incidents only in B (appeared), only in A
 * (disappeared), and in both at another peak severity. Incidents are matched by id first (the
 * same agent, detector and trigger event), then, for those whose trigger moved, by agent and
 * detector within `windowMs`. Groups are by detector and agent, with the earliest examples.
 */
export function diffAlerts(a: readonly IncidentRecord[], b: readonly IncidentRecord[], opts: DiffOptions): AlertDiff {
  const bById = new Map(b.map((r) => [r.id, r]));
  const pairs: [IncidentRecord, IncidentRecord][] = [];
  const restA = new Map<string, IncidentRecord[]>();
  const matchedB = new Set<string>();
  for (const r of a) {
    const other = bById.get(r.id);
    if (other && !matchedB.has(other.id)) {
      pairs.push([r, other]);
      matchedB.add(other.id);
    } else {
      push(restA, r);
    }
  }
  const matchedById = pairs.length;
  const restB = new Map<string, IncidentRecord[]>();
  for (const r of b) {
    if (matchedB.has(r.id)) continue;
    push(restB, r);
  }
  const byTime = (x: IncidentRecord, y: IncidentRecord) => x.time.localeCompare(y.time);
  const disappeared: IncidentRecord[] = [];
  const appeared: IncidentRecord[] = [];
  for (const [k, listA] of restA) {
    const listB = (restB.get(k) ?? []).sort(byTime);
    restB.delete(k);
    const found = pairByTime(listA.sort(byTime), listB, opts.windowMs);
    pairs.push(...found);
    const pairedA = new Set(found.map(([x]) => x));
    const pairedB = new Set(found.map(([, y]) => y));
    disappeared.push(...listA.filter((r) => !pairedA.has(r)));
    appeared.push(...listB.filter((r) => !pairedB.has(r)));
  }
  for (const listB of restB.values()) appeared.push(...listB);
  const changed = pairs.filter(([x, y]) => x.peakSeverity !== y.peakSeverity);

  const detectors = [...new Set([...a, ...b].map((r) => r.detector))].sort();
  const count = (list: readonly { detector: string }[], d: string) => list.filter((r) => r.detector === d).length;
  return {
    alertsA: a.length,
    alertsB: b.length,
    matchedById,
    matchedByWindow: pairs.length - matchedById,
    appeared: group(
      appeared.map((r) => ({ detector: r.detector, agentId: r.agentId, time: r.time, example: example(r) })),
      opts.examples,
    ),
    disappeared: group(
      disappeared.map((r) => ({ detector: r.detector, agentId: r.agentId, time: r.time, example: example(r) })),
      opts.examples,
    ),
    severityChanged: group(
      changed.map(([x, y]) => ({
        detector: x.detector,
        agentId: x.agentId,
        time: x.time,
        example: {
          idA: x.id,
          idB: y.id,
          time: x.time,
          timeB: y.time,
          from: x.peakSeverity,
          to: y.peakSeverity,
          ...(y.summary !== undefined && { summary: y.summary }),
        },
      })),
      opts.examples,
    ),
    byDetector: detectors.map((d) => ({
      detector: d,
      a: count(a, d),
      b: count(b, d),
      appeared: count(appeared, d),
      disappeared: count(disappeared, d),
      severityChanged: changed.filter(([x]) => x.detector === d).length,
    })),
  };
}

/** Whether B rates the incident higher than A (for arrows in the text output). */
export const escalated = (e: SeverityChangeExample): boolean => rank(e.to) > rank(e.from);
