import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import type { Severity } from '../core/detectors/detector.js';
import type { Engine, EngineSnapshot } from '../core/engine.js';
import type { Verdict } from '../core/feedback/verdict.js';
import type { Config } from '../config/config-schema.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import type { JsonlFileWriter } from '../sinks/jsonl-file-writer.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import { DetectionLane } from './detection-lane.js';
import { feedLanes, laneDecodeSettings } from './feed-lanes.js';

export interface ReplayProgress {
  file: string;
  fileIndex: number;
  files: number;
  bytesRead: number;
  fileBytes: number;
  lines: number;
  alerts: number;
}

export interface ReplayOptions {
  files: readonly string[];
  config: Config;
  baselines: DeclaredBaselines;
  sinks: readonly AlertSink[];
  /** Invalid lines go here with file, line number and reason. */
  rejects?: JsonlFileWriter;
  /** Start from a saved state instead of a blank engine (warm start). */
  initialState?: EngineSnapshot;
  /** Analyst verdicts (the feedback file): each applied right after its alert is raised. */
  verdicts?: readonly Verdict[];
  onProgress?: (p: ReplayProgress) => void;
  /** Counters and gauges as `agentwatch run` reports them (`replay --metrics`); batches are blocks of lines. */
  metrics?: PipelineMetrics;
  /** `--format`: a format name or `auto` (recognised per file); default `input.format`. */
  format?: string;
}

export interface ReplaySummary {
  files: number;
  lines: number;
  blankLines: number;
  accepted: number;
  rejected: Record<string, number>;
  /** Valid records with nothing to detect on (Kubernetes stages before ResponseComplete…), by reason. */
  skipped: Record<string, number>;
  /** Files by the format they were read as. */
  formats: Record<string, number>;
  /** Arrived later than the reorder window: processed, counted in their agent's current bucket. */
  lateEvents: number;
  /** The same event (id and time) again for its agent: counted here, learned once. */
  duplicates: number;
  alerts: number;
  alertsByDetector: Record<string, Partial<Record<Severity, number>>>;
  incidentUpdates: number;
  /** `update` and `resolved` messages about the incidents (same ids as their alerts). */
  updates: number;
  resolved: number;
  /** Findings not raised because an analyst marked the same pattern normal (`--feedback`). */
  suppressed: number;
  /** Learned alerts held back in a grace period (after a deploy, in a maintenance window); see `inspect`. */
  graceHeld?: number;
  verdictsApplied: number;
  agents: number;
  learningAgents: number;
  firstEventTime?: string;
  lastEventTime?: string;
  elapsedMs: number;
  eventsPerSecond: number;
}

/**
 * Historical logs through the same engine as the live service, in event-time order: one lane of
 * the ingest loop (lockstep-replay.ts: decode, reorder within `input.latenessMs`, detect, write
 * alerts). `detectedAt` is the event-time watermark at emission, so two replays of the same input
 * are byte-identical.
 */
export async function replay(opts: ReplayOptions): Promise<{ summary: ReplaySummary; engine: Engine }> {
  const started = performance.now();
  const metrics = opts.metrics ?? noopPipelineMetrics;
  const lane = new DetectionLane({
    config: opts.config,
    baselines: opts.baselines,
    sinks: opts.sinks,
    metrics,
    ...(opts.rejects && { rejects: opts.rejects }),
    ...(opts.initialState && { initialState: opts.initialState }),
    ...(opts.verdicts && { verdicts: opts.verdicts }),
  });
  const formats: Record<string, number> = {};
  let accepted = 0;
  let lines = 0;
  const { blankLines } = await feedLanes({
    files: opts.files,
    decode: laneDecodeSettings([opts.config], opts.format),
    lanes: [lane],
    onFile: (_file, _fileIndex, formatName) => void (formats[formatName] = (formats[formatName] ?? 0) + 1),
    onBatch: (batch, fileIndex, linesSoFar, batchMs) => {
      lines = linesSoFar;
      metrics.eventsAccepted(lane.accepted - accepted);
      accepted = lane.accepted;
      metrics.batchProcessed(batchMs / 1000);
      opts.onProgress?.({
        file: batch.file,
        fileIndex,
        files: opts.files.length,
        bytesRead: batch.bytesRead,
        fileBytes: batch.fileBytes,
        lines: linesSoFar,
        alerts: lane.alerts,
      });
    },
  });

  const { engine } = lane;
  const stats = engine.stats;
  if (stats.duplicates > 0) metrics.eventsDuplicate(stats.duplicates);
  const elapsedMs = Math.round(performance.now() - started);
  const summary: ReplaySummary = {
    files: opts.files.length,
    lines,
    blankLines,
    accepted: lane.accepted,
    rejected: lane.rejected,
    skipped: lane.skipped,
    formats,
    lateEvents: lane.lateEvents,
    duplicates: stats.duplicates,
    alerts: lane.alerts,
    alertsByDetector: lane.alertsByDetector,
    incidentUpdates: stats.incidentUpdates,
    updates: stats.updates,
    resolved: stats.resolved,
    suppressed: stats.suppressed,
    verdictsApplied: stats.verdictsApplied,
    agents: engine.agentCount,
    learningAgents: engine.learningAgentCount(),
    elapsedMs,
    eventsPerSecond: Math.round(lane.accepted / Math.max(elapsedMs / 1000, 1e-3)),
    // After the counts, as the summary JSON has always listed them.
    ...(stats.graceHeld > 0 && { graceHeld: stats.graceHeld }),
    ...(Number.isFinite(lane.minTime) && { firstEventTime: new Date(lane.minTime).toISOString() }),
    ...(Number.isFinite(lane.maxTime) && { lastEventTime: new Date(lane.maxTime).toISOString() }),
  };
  return { summary, engine };
}
