import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import type { Config } from '../config/config-schema.js';
import { DetectionLane } from './detection-lane.js';
import { feedLanes, laneDecodeSettings } from './feed-lanes.js';
import type { ReplayProgress } from './replay.js';

/** One configuration replayed alongside others: its own engine and reorder buffer. */
export interface ReplayLane {
  config: Config;
  baselines: DeclaredBaselines;
  /** Every message the engine emits (open, update, resolved), in the order `replay` writes them. */
  onAlert: (alert: Alert) => void;
}

export interface LaneSummary {
  accepted: number;
  rejected: Record<string, number>;
  skipped: Record<string, number>;
  lateEvents: number;
  /** Opening alerts (status absent or `open`). */
  alerts: number;
  /** Every message: openings, updates and resolutions. */
  messages: number;
  agents: number;
  firstEventTime?: string;
  lastEventTime?: string;
}

export interface LockstepSummary {
  files: number;
  lines: number;
  blankLines: number;
  lanes: LaneSummary[];
  elapsedMs: number;
}

/**
 * Several configurations over the same logs with one read and one decode per line: each decoded
 * event is handed to every lane, and each lane reorders and detects exactly as `replay` does
 * (same reorder window, same watermark as `detectedAt`), so lane i emits what
 * `replay --config <lane i>` would write. Events are shared read-only: the engine never mutates
 * them. Memory is one engine per lane, whatever the length of the logs.
 */
export async function lockstepReplay(
  files: readonly string[],
  lanes: readonly ReplayLane[],
  onProgress?: (p: ReplayProgress) => void,
  format?: string,
): Promise<LockstepSummary> {
  const started = performance.now();
  const decode = laneDecodeSettings(
    lanes.map((l) => l.config),
    format,
  );
  const running = lanes.map(
    (lane) =>
      new DetectionLane({
        config: lane.config,
        baselines: lane.baselines,
        sinks: [{ name: 'lane', write: (a) => void lane.onAlert(a), close: async () => {} }],
        // Lanes share one process: each gets its share of the memory budget.
        stateShare: lanes.length,
      }),
  );
  const { lines, blankLines } = await feedLanes({
    files,
    decode,
    lanes: running,
    ...(onProgress && {
      onBatch: (batch, fileIndex, linesSoFar) => {
        let alerts = 0;
        for (const lane of running) alerts += lane.alerts;
        onProgress({ file: batch.file, fileIndex, files: files.length, bytesRead: batch.bytesRead, fileBytes: batch.fileBytes, lines: linesSoFar, alerts });
      },
    }),
  });
  return {
    files: files.length,
    lines,
    blankLines,
    lanes: running.map((lane) => ({
      accepted: lane.accepted,
      rejected: lane.rejected,
      skipped: lane.skipped,
      lateEvents: lane.lateEvents,
      alerts: lane.alerts,
      messages: lane.messages,
      agents: lane.engine.agentCount,
      ...(Number.isFinite(lane.minTime) && { firstEventTime: new Date(lane.minTime).toISOString() }),
      ...(Number.isFinite(lane.maxTime) && { lastEventTime: new Date(lane.maxTime).toISOString() }),
    })),
    elapsedMs: Math.round(performance.now() - started),
  };
}
