import { Type, type Static } from '@sinclair/typebox';
import { lowerMedian, nearestRank } from './detection-delay.js';

/** A labelled anomaly (ground truth), one per line of labels.jsonl (written by the fleet generator). */
export const LabelSchema = Type.Object({
  id: Type.String(),
  detector: Type.String(),
  agentId: Type.String(),
  start: Type.String(),
  end: Type.String(),
  description: Type.Optional(Type.String()),
  /** What was injected (`burst`, `rise`, `silence`…; the fleet generator writes it): the evaluation groups by it. */
  kind: Type.Optional(Type.String()),
});
export type Label = Static<typeof LabelSchema>;

export interface AlertLike {
  id: string;
  agentId: string;
  detector: string;
  time: string;
  /** Lifecycle messages of an incident share its id; only the opening one is scored. */
  status?: string;
  /** The alert's baseline summary: `learning` when the agent was still in its learning period. */
  baseline?: { learning?: boolean };
}

export interface DetectorScore {
  detector: string;
  labels: number;
  detected: number;
  recall: number;
  alerts: number;
  /** Alerts inside a labelled anomaly of the same agent and detector. */
  truePositives: number;
  /** Alerts inside a labelled anomaly of the same agent but another detector. */
  otherLabel: number;
  /** Alerts matching no label at all, raised after the agent had learned: false incidents. */
  falseAlerts: number;
  /**
   * Alerts matching no label raised while the agent was still learning: the cold-start inventory
   * (issue 15, item 4: privileged grants and declared sensitive actions alert from the first event,
   * a one-off list of what each identity may do). Reported apart from false incidents, which
   * measure the steady state a SOC lives with.
   */
  coldStartAlerts: number;
  /** Median delay from the label's start to its first alert, seconds. */
  medianDelaySeconds: number | null;
  /** 90th percentile (nearest rank) of the same delays, seconds. */
  p90DelaySeconds: number | null;
  /** This detector's false alerts (opening alerts matching no label) per agent per week. */
  falseAlertsPerAgentWeek: number;
}

/** Scores of one kind of anomaly: the label's `kind`, or its detector when it has none. */
export interface KindScore {
  kind: string;
  /** The detector its labels name (several, comma-separated, if they differ). */
  detector: string;
  labels: number;
  detected: number;
  recall: number;
  medianDelaySeconds: number | null;
  p90DelaySeconds: number | null;
  /** False alerts per agent-week of its detector(s): a false alert belongs to no kind. */
  falseAlertsPerAgentWeek: number;
}

/** A detected label: how long after its start the first matching alert came. */
export interface Detection {
  labelId: string;
  detector: string;
  agentId: string;
  delaySeconds: number;
}

export interface Evaluation {
  byDetector: DetectorScore[];
  /** Per kind of anomaly (label `kind`, else its detector), ordered by detector then kind. */
  byKind: KindScore[];
  detections: Detection[];
  falseAlertsPerAgentWeek: number;
  agents: number;
  weeks: number;
  missed: Label[];
  falseAlerts: AlertLike[];
  /** Opening alerts matching no label, raised while their agent was learning (see DetectorScore). */
  coldStartAlerts: AlertLike[];
}

/**
 * Matches alerts to labels: an alert counts for a label when agent and detector agree and its
 * time is within [start − graceMs, end + graceMs] (an incident may be recognised a little after
 * it ends, e.g. the hour-level off_hours detector).
 */
export function evaluateAlerts(
  all: readonly AlertLike[],
  labels: readonly Label[],
  opts: { graceMs?: number; agents?: number; spanMs?: number } = {},
): Evaluation {
  const alerts = all.filter((a) => a.status === undefined || a.status === 'open');
  const grace = opts.graceMs ?? 15 * 60_000;
  const windows = labels.map((l) => ({ l, start: Date.parse(l.start) - grace, end: Date.parse(l.end) + grace, first: Number.POSITIVE_INFINITY }));
  const byAgent = new Map<string, typeof windows>();
  for (const w of windows) {
    const list = byAgent.get(w.l.agentId) ?? [];
    list.push(w);
    byAgent.set(w.l.agentId, list);
  }
  const detectors = new Set([...labels.map((l) => l.detector), ...alerts.map((a) => a.detector)]);
  const scores = new Map<string, DetectorScore>();
  for (const d of [...detectors].sort()) {
    scores.set(d, {
      detector: d,
      labels: 0,
      detected: 0,
      recall: 0,
      alerts: 0,
      truePositives: 0,
      otherLabel: 0,
      falseAlerts: 0,
      coldStartAlerts: 0,
      medianDelaySeconds: null,
      p90DelaySeconds: null,
      falseAlertsPerAgentWeek: 0,
    });
  }
  for (const l of labels) (scores.get(l.detector) as DetectorScore).labels++;
  const falseAlerts: AlertLike[] = [];
  const coldStartAlerts: AlertLike[] = [];
  for (const a of alerts) {
    const s = scores.get(a.detector) as DetectorScore;
    s.alerts++;
    const t = Date.parse(a.time);
    const overlapping = (byAgent.get(a.agentId) ?? []).filter((w) => t >= w.start && t <= w.end);
    const same = overlapping.filter((w) => w.l.detector === a.detector);
    if (same.length) {
      s.truePositives++;
      for (const w of same) w.first = Math.min(w.first, t);
    } else if (overlapping.length) {
      s.otherLabel++;
    } else if (a.baseline?.learning === true) {
      s.coldStartAlerts++;
      coldStartAlerts.push(a);
    } else {
      s.falseAlerts++;
      falseAlerts.push(a);
    }
  }
  const missed: Label[] = [];
  const detections: Detection[] = [];
  for (const s of scores.values()) {
    const mine = windows.filter((w) => w.l.detector === s.detector);
    const hit = mine.filter((w) => Number.isFinite(w.first));
    s.detected = hit.length;
    s.recall = s.labels ? Math.round((hit.length / s.labels) * 1000) / 1000 : 0;
    const mineDetected = hit.map((w) => ({
      labelId: w.l.id,
      detector: w.l.detector,
      agentId: w.l.agentId,
      delaySeconds: Math.max(0, (w.first - (w.start + grace)) / 1000),
    }));
    detections.push(...mineDetected);
    s.medianDelaySeconds = lowerMedian(mineDetected.map((d) => d.delaySeconds));
    s.p90DelaySeconds = nearestRank(
      mineDetected.map((d) => d.delaySeconds),
      0.9,
    );
    missed.push(...mine.filter((w) => !Number.isFinite(w.first)).map((w) => w.l));
  }
  const agents = opts.agents ?? new Set(alerts.map((a) => a.agentId)).size;
  const weeks = (opts.spanMs ?? 7 * 86_400_000) / (7 * 86_400_000);
  const perAgentWeek = (n: number): number => (agents && weeks ? Math.round((n / (agents * weeks)) * 1000) / 1000 : 0);
  for (const s of scores.values()) s.falseAlertsPerAgentWeek = perAgentWeek(s.falseAlerts);
  return {
    byDetector: [...scores.values()],
    byKind: kindScores(windows, grace, scores, perAgentWeek),
    detections,
    falseAlertsPerAgentWeek: perAgentWeek(falseAlerts.length),
    agents,
    weeks: Math.round(weeks * 100) / 100,
    missed,
    falseAlerts,
    coldStartAlerts,
  };
}

/** Groups the scored label windows by kind (a label without one is its detector's kind). */
function kindScores(
  windows: readonly { l: Label; start: number; first: number }[],
  grace: number,
  scores: ReadonlyMap<string, DetectorScore>,
  perAgentWeek: (n: number) => number,
): KindScore[] {
  const groups = new Map<string, (typeof windows)[number][]>();
  for (const w of windows) {
    const kind = w.l.kind ?? w.l.detector;
    groups.set(kind, [...(groups.get(kind) ?? []), w]);
  }
  const out: KindScore[] = [];
  for (const [kind, list] of groups) {
    const detectors = [...new Set(list.map((w) => w.l.detector))].sort();
    const delays = list.filter((w) => Number.isFinite(w.first)).map((w) => Math.max(0, (w.first - (w.start + grace)) / 1000));
    const falseAlerts = detectors.reduce((n, d) => n + (scores.get(d)?.falseAlerts ?? 0), 0);
    out.push({
      kind,
      detector: detectors.join(','),
      labels: list.length,
      detected: delays.length,
      recall: Math.round((delays.length / list.length) * 1000) / 1000,
      medianDelaySeconds: lowerMedian(delays),
      p90DelaySeconds: nearestRank(delays, 0.9),
      falseAlertsPerAgentWeek: perAgentWeek(falseAlerts),
    });
  }
  // Each detector's own kind first, then the kinds it was given by name.
  return out.sort(
    (a, b) => a.detector.localeCompare(b.detector) || Number(b.kind === b.detector) - Number(a.kind === a.detector) || a.kind.localeCompare(b.kind),
  );
}

/** The score table a person reads: plain column names, a legend for the three kinds of alert. */
export function formatEvaluation(e: Evaluation): string {
  const header = ['detector', 'anomalies', 'caught', 'caught %', 'alerts', 'right', 'other anomaly', 'false', 'median delay'];
  const rows = e.byDetector.map((s) => [
    s.detector,
    String(s.labels),
    String(s.detected),
    s.labels ? `${Math.round(s.recall * 100)} %` : '-',
    String(s.alerts),
    String(s.truePositives),
    String(s.otherLabel),
    String(s.falseAlerts),
    s.medianDelaySeconds === null ? '-' : formatDelay(s.medianDelaySeconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const perWeek = e.falseAlertsPerAgentWeek;
  return [
    fmt(header),
    ...rows.map(fmt),
    'Alerts are right (during an anomaly of their kind), on another anomaly of the same agent, or false (during none).',
    `False alerts: ${e.falseAlerts.length} over ${e.agents} agents × ${e.weeks} weeks, ${perWeek} per agent per week.`,
    ...(e.coldStartAlerts.length ? [coldStartLine(e.coldStartAlerts.length)] : []),
    ...(e.byKind.length ? ['', formatKinds(e.byKind)] : []),
  ].join('\n');
}

/** The cold-start inventory, said apart from false alerts. */
export function coldStartLine(n: number): string {
  return `Cold-start inventory: ${n} alert${n === 1 ? '' : 's'} on agents still learning (privileged grants, sensitive acts), not false.`;
}

/** Per kind of anomaly: recall, median and p90 delay, and its detector's false alerts per agent-week. */
export function formatKinds(kinds: readonly KindScore[]): string {
  const header = ['kind', 'detector', 'anomalies', 'caught', 'caught %', 'median delay', 'p90 delay', 'false/agent-week'];
  const rows = kinds.map((k) => [
    k.kind,
    k.detector,
    String(k.labels),
    String(k.detected),
    `${Math.round(k.recall * 100)} %`,
    k.medianDelaySeconds === null ? '-' : formatDelay(k.medianDelaySeconds),
    k.p90DelaySeconds === null ? '-' : formatDelay(k.p90DelaySeconds),
    String(k.falseAlertsPerAgentWeek),
  ]);
  return [...table(header, rows), "false/agent-week: false alerts of the kind's detector per agent per week (a false alert has no kind)."].join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

function formatDelay(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}
