import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { InvalidConfigError, InvalidEventError } from '../core/errors.js';
import { overByteLimit, tooLarge, utf8Length } from '../core/events/oversized-line.js';
import type { Config } from '../config/config-schema.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import { SkippedRecord } from '../formats/log-format.js';
import { type DecodeSettings, type RecordBatch, openDecodedRecords } from '../sources/decoded-record-stream.js';
import { DetectionLane } from './detection-lane.js';
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
 * What decides how a file is read and decoded, which every lane must share (`replay --format`,
 * input.format, input.maxDocumentBytes); input.maxEventBytes may differ.
 */
export function decodeSettingsKey(config: Config, format?: string): string {
  return `${format ?? config.input.format}|${config.input.maxDocumentBytes}`;
}

/** How the lanes' files are decoded: once, at the largest input.maxEventBytes of the lanes. */
export function laneDecodeSettings(configs: readonly Config[], format?: string): DecodeSettings {
  const first = configs[0];
  if (first && configs.some((c) => decodeSettingsKey(c, format) !== decodeSettingsKey(first, format))) {
    throw new InvalidConfigError('the configurations read the files differently (input.format or input.maxDocumentBytes): replay them separately');
  }
  const fixed = resolveFormatChoice(format ?? first?.input.format);
  return {
    ...(fixed && { format: fixed }),
    maxEventBytes: Math.max(...configs.map((c) => c.input.maxEventBytes)),
    maxDocumentBytes: first?.input.maxDocumentBytes ?? 0,
  };
}

export interface LaneFeed {
  files: readonly string[];
  decode: DecodeSettings;
  lanes: readonly DetectionLane[];
  /** A file was sniffed, before its records are read. */
  onFile?: (file: string, fileIndex: number, formatName: string) => void;
  /** A batch was handed to every lane; `lines` so far, its processing time in ms. */
  onBatch?: (batch: RecordBatch, fileIndex: number, lines: number, batchMs: number) => void;
}

/**
 * The one ingest loop (issue 18, item 1): each file's decoded records (decoded-record-stream.ts)
 * handed to every lane in input order, then each lane flushed. `replay` is this with one lane;
 * tune and diff run several over one read and one decode. A lane whose input.maxEventBytes is
 * below the decoding limit rejects the longer native lines itself, as its own replay would.
 */
export async function feedLanes(feed: LaneFeed): Promise<{ lines: number; blankLines: number }> {
  const { lanes, decode } = feed;
  const ownLimit = lanes.map((l) => l.maxEventBytes < decode.maxEventBytes);
  const anyOwnLimit = ownLimit.includes(true);
  let lines = 0;
  let blankLines = 0;
  for (const [fileIndex, file] of feed.files.entries()) {
    const input = openDecodedRecords(file, decode);
    for (const lane of lanes) lane.startSource();
    feed.onFile?.(file, fileIndex, input.formatName);
    for await (const batch of input.batches) {
      const started = performance.now();
      lines += batch.lineCount;
      blankLines += batch.blankLines;
      const { records, raws } = batch;
      const checkOwn = anyOwnLimit && batch.native;
      for (let i = 0; i < records.length; i++) {
        const out = records[i];
        if (out instanceof SkippedRecord) {
          for (const lane of lanes) lane.skip(out.reason);
          continue;
        }
        const line = batch.lines[i] as number;
        const recordNo = batch.recordNos[i] as number;
        const raw = raws[i];
        for (let l = 0; l < lanes.length; l++) {
          const lane = lanes[l] as DetectionLane;
          let pending;
          if (checkOwn && ownLimit[l] === true && overByteLimit(raw as string, lane.maxEventBytes)) {
            // A native line over this lane's own limit, smaller than the one the file was decoded with.
            pending = lane.reject(tooLarge('event', utf8Length(raw as string), lane.maxEventBytes, 'input.maxEventBytes'), file, line, recordNo, raw);
          } else if (out instanceof InvalidEventError) {
            pending = lane.reject(out, file, line, recordNo, raw);
          } else {
            pending = lane.event(out as Exclude<typeof out, undefined>, file, line, recordNo, raw);
          }
          if (pending) await pending;
        }
      }
      feed.onBatch?.(batch, fileIndex, lines, performance.now() - started);
    }
  }
  for (const lane of lanes) await lane.finish();
  return { lines, blankLines };
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
