import { createHash } from 'node:crypto';
import type { Alert } from '../core/alerts/alert.js';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { SEVERITY_ORDER, type Severity } from '../core/detectors/detector.js';
import type { Config } from '../config/config-schema.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { type LaneSummary, lockstepReplay } from '../pipeline/lockstep-replay.js';
import type { ReplayProgress } from '../pipeline/replay.js';

/** An incident as the sweep and the diff need it: its opening alert, and how high it went. */
export interface IncidentRecord {
  id: string;
  agentId: string;
  detector: string;
  /** Severity of the opening alert. */
  severity: Severity;
  /** Highest severity over the incident's messages (updates escalate). */
  peakSeverity: Severity;
  score: number;
  /** Event time of the opening trigger (RFC 3339). */
  time: string;
  eventId: string;
  /** Only with `detail` (the diff shows it; a sweep of 64 settings need not hold it). */
  summary?: string;
  /** Raised while the agent was still learning (the cold-start inventory; scored apart from false alerts). */
  baseline?: { learning: true };
}

export interface LaneRequest {
  files: string[];
  configs: Config[];
  /** Declared baselines folder of each lane (undefined: none). Loaded once per folder. */
  baselinesDirs: (string | undefined)[];
  detail: boolean;
  /** `--format`: a log format name or `auto` (default: each config's input.format, which must agree). */
  format?: string;
}

export interface LaneOutcome {
  summary: LaneSummary;
  incidents: IncidentRecord[];
  /** sha256 of every message as `replay --output` writes it (JSON lines): equal digests, equal files. */
  digest: string;
}

export interface LanesResult {
  lines: number;
  elapsedMs: number;
  outcomes: LaneOutcome[];
}

/** Replays a share of a sweep in lockstep (one decode for all) and keeps each lane's incidents. */
export async function runLanes(req: LaneRequest, onProgress?: (p: ReplayProgress) => void): Promise<LanesResult> {
  const loaded = new Map<string, DeclaredBaselines>();
  const baselinesOf = (dir: string | undefined): DeclaredBaselines => {
    if (dir === undefined) return DeclaredBaselines.empty();
    let b = loaded.get(dir);
    if (!b) loaded.set(dir, (b = loadBaselinesDir(dir).baselines));
    return b;
  };
  const collected = req.configs.map(() => ({ hash: createHash('sha256'), incidents: new Map<string, IncidentRecord>() }));
  const lanes = req.configs.map((config, i) => {
    const c = collected[i] as (typeof collected)[number];
    return {
      config,
      baselines: baselinesOf(req.baselinesDirs[i]),
      onAlert: (alert: Alert) => {
        c.hash.update(`${JSON.stringify(alert)}\n`);
        if (alert.status === undefined || alert.status === 'open') {
          c.incidents.set(alert.id, {
            id: alert.id,
            agentId: alert.agentId,
            detector: alert.detector,
            severity: alert.severity,
            peakSeverity: alert.severity,
            score: alert.score,
            time: alert.time,
            eventId: alert.eventId,
            ...(req.detail && { summary: alert.summary }),
            ...(alert.baseline?.learning === true && { baseline: { learning: true } }),
          });
          return;
        }
        const open = c.incidents.get(alert.id);
        if (open && SEVERITY_ORDER.indexOf(alert.severity) > SEVERITY_ORDER.indexOf(open.peakSeverity)) open.peakSeverity = alert.severity;
      },
    };
  });
  const summary = await lockstepReplay(req.files, lanes, onProgress, req.format);
  return {
    lines: summary.lines,
    elapsedMs: summary.elapsedMs,
    outcomes: summary.lanes.map((s, i) => ({
      summary: s,
      incidents: [...(collected[i]?.incidents.values() ?? [])],
      digest: collected[i]?.hash.digest('hex') ?? '',
    })),
  };
}
