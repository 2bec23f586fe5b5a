import { availableParallelism, loadavg } from 'node:os';
import { statSync } from 'node:fs';
import { cannotRead } from '../core/errors.js';
import type { ReplayProgress } from '../pipeline/replay.js';
import { medianDetectionDelaySeconds } from './detection-delay.js';
import { type Label, evaluateAlerts } from './evaluate-alerts.js';
import { runLanesInWorkers } from './lane-workers.js';
import { type IncidentRecord, type LaneRequest, type LanesResult, runLanes } from './sweep-lanes.js';
import type { SettingValue, SweepSetting } from './sweep-settings.js';

export interface SweepOptions {
  files: string[];
  settings: readonly SweepSetting[];
  /** Declared baselines folder shared by every setting. */
  baselinesDir?: string;
  labels?: readonly Label[];
  /** An alert this long before or after a label still counts for it (as `agentwatch eval`). */
  graceMs?: number;
  /** Threads; 1 replays in this thread. Default: one per core, at most one per setting. */
  jobs?: number;
  onProgress?: (p: ReplayProgress) => void;
  /** Keep every setting's incidents in the result (tests compare them with separate replays). */
  keepIncidents?: boolean;
  /** `--format`: a log format name or `auto` (default: input.format of the base config). */
  format?: string;
}

export interface DetectorLabelScore {
  detector: string;
  labels: number;
  detected: number;
  recall: number;
  alerts: number;
  truePositives: number;
  falseAlerts: number;
  medianDelaySeconds: number | null;
}

/** Scores against labels: recall over labels, precision over alerts, median delay over detections. */
export interface SweepScore {
  labels: number;
  detected: number;
  recall: number;
  /** Share of alerts inside a labelled anomaly of their agent (any detector's: the incident is real). */
  precision: number;
  /** Alerts inside no labelled anomaly of their agent. */
  falseAlerts: number;
  medianDelaySeconds: number | null;
  byDetector: DetectorLabelScore[];
}

export interface SettingResult {
  index: number;
  label: string;
  values: Record<string, SettingValue>;
  isBase: boolean;
  /** Opening alerts (updates and resolutions of an incident are not counted again). */
  alerts: number;
  alertsByDetector: Record<string, number>;
  alertsPerDay: Record<string, number>;
  totalPerDay: number;
  /** Every message `replay --output` would write (openings, updates, resolutions). */
  messages: number;
  /** sha256 of those messages as JSON lines: equal to the sha256 of that replay's output file. */
  digest: string;
  score?: SweepScore;
  incidents?: IncidentRecord[];
}

export interface SweepResult {
  files: string[];
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  agents: number;
  firstEventTime?: string;
  lastEventTime?: string;
  days: number;
  jobs: number;
  elapsedMs: number;
  keys: string[];
  settings: SettingResult[];
}

const DAY_MS = 86_400_000;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Settings dealt round-robin to `jobs` shares, so slow and fast values spread over the threads. */
function shares(count: number, jobs: number): number[][] {
  const out: number[][] = Array.from({ length: jobs }, () => []);
  for (let i = 0; i < count; i++) out[i % jobs]?.push(i);
  return out.filter((s) => s.length > 0);
}

/**
 * One thread per idle core, at most one per setting. A thread costs a read and decode of the
 * logs (about half a replay) plus its start-up, so on a busy machine (load average near the
 * core count) one thread running every setting in lockstep finishes first.
 */
export function defaultJobs(settings: number): number {
  const cores = availableParallelism();
  const idle = Math.round(cores - (loadavg()[0] ?? 0));
  return Math.max(1, Math.min(cores, idle, settings));
}

function score(incidents: readonly IncidentRecord[], labels: readonly Label[], graceMs: number): SweepScore {
  const e = evaluateAlerts(incidents, labels, { graceMs });
  const alerts = incidents.length;
  const falseAlerts = e.falseAlerts.length;
  const detected = e.byDetector.reduce((n, d) => n + d.detected, 0);
  return {
    labels: labels.length,
    detected,
    recall: labels.length ? round(detected / labels.length) : 0,
    precision: alerts ? round((alerts - falseAlerts) / alerts) : 0,
    falseAlerts,
    medianDelaySeconds: medianDetectionDelaySeconds(e),
    byDetector: e.byDetector.map((d) => ({
      detector: d.detector,
      labels: d.labels,
      detected: d.detected,
      recall: d.recall,
      alerts: d.alerts,
      truePositives: d.truePositives,
      falseAlerts: d.falseAlerts,
      medianDelaySeconds: d.medianDelaySeconds,
    })),
  };
}

/**
 * Replays the logs once per setting, reading and decoding them once per thread: each thread
 * runs its share of the settings in lockstep. Each setting's alerts are exactly those of a
 * separate `agentwatch replay` with its configuration (see `digest`).
 */
export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  for (const file of opts.files) {
    try {
      statSync(file);
    } catch (cause) {
      throw cannotRead('input', file, cause);
    }
  }
  const settings = opts.settings;
  const jobs = Math.max(1, Math.min(opts.jobs ?? defaultJobs(settings.length), settings.length));
  const plan = shares(settings.length, jobs);
  const requests: LaneRequest[] = plan.map((share) => ({
    files: opts.files,
    configs: share.map((i) => (settings[i] as SweepSetting).config),
    baselinesDirs: share.map(() => opts.baselinesDir),
    detail: false,
    ...(opts.format !== undefined && { format: opts.format }),
  }));
  const results: LanesResult[] =
    jobs === 1 ? [await runLanes(requests[0] as LaneRequest, opts.onProgress)] : await runLanesInWorkers(requests, opts.onProgress);

  const outcomes = new Array<LanesResult['outcomes'][number]>(settings.length);
  plan.forEach((share, j) => share.forEach((settingIndex, k) => (outcomes[settingIndex] = results[j]?.outcomes[k] as LanesResult['outcomes'][number])));
  const first = outcomes[0]?.summary;
  const span = first?.firstEventTime && first.lastEventTime ? Date.parse(first.lastEventTime) - Date.parse(first.firstEventTime) : 0;
  // An hour at least: a few minutes of logs would otherwise read as thousands of alerts a day.
  const days = Math.max(span, 3_600_000) / DAY_MS;
  const graceMs = opts.graceMs ?? 15 * 60_000;

  const rows: SettingResult[] = settings.map((s, i) => {
    const o = outcomes[i] as LanesResult['outcomes'][number];
    const alertsByDetector: Record<string, number> = {};
    for (const inc of o.incidents) alertsByDetector[inc.detector] = (alertsByDetector[inc.detector] ?? 0) + 1;
    const sorted = Object.fromEntries(Object.entries(alertsByDetector).sort(([a], [b]) => a.localeCompare(b)));
    return {
      index: s.index,
      label: s.label,
      values: s.values,
      isBase: s.isBase,
      alerts: o.incidents.length,
      alertsByDetector: sorted,
      alertsPerDay: Object.fromEntries(Object.entries(sorted).map(([d, n]) => [d, round(n / days)])),
      totalPerDay: round(o.incidents.length / days),
      messages: o.summary.messages,
      digest: o.digest,
      ...(opts.labels && { score: score(o.incidents, opts.labels, graceMs) }),
      ...(opts.keepIncidents && { incidents: o.incidents }),
    };
  });
  return {
    files: opts.files,
    lines: results[0]?.lines ?? 0,
    accepted: first?.accepted ?? 0,
    rejected: first?.rejected ?? {},
    agents: first?.agents ?? 0,
    ...(first?.firstEventTime && { firstEventTime: first.firstEventTime }),
    ...(first?.lastEventTime && { lastEventTime: first.lastEventTime }),
    days: round(days, 2),
    jobs,
    elapsedMs: Math.round(performance.now() - started),
    keys: Object.keys(settings[0]?.values ?? {}),
    settings: rows,
  };
}
