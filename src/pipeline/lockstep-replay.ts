import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { Engine } from '../core/engine.js';
import { InvalidConfigError, InvalidEventError } from '../core/errors.js';
import type { AuditEvent } from '../core/events/audit-event.js';
import { decodeAuditEvent } from '../core/events/decode-audit-event.js';
import { EventTimeGuard } from '../core/events/event-time-guard.js';
import { overByteLimit } from '../core/events/oversized-line.js';
import { ReorderBuffer } from '../core/events/reorder-buffer.js';
import { type Config, eventTimeLimits } from '../config/config-schema.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import { SkippedRecord } from '../formats/log-format.js';
import { readFormatFile } from '../sources/format-file-source.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';
import { sniffInput } from '../sources/sniff-input.js';
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

interface LaneState {
  lane: ReplayLane;
  engine: Engine;
  buffer: ReorderBuffer;
  timeGuard: EventTimeGuard;
  released: AuditEvent[];
  maxBytes: number;
  summary: LaneSummary;
  minTime: number;
  maxTime: number;
}

/**
 * What decides how a file is read and decoded, which every lane must share (`replay --format`,
 * input.format, input.maxDocumentBytes); input.maxEventBytes may differ.
 */
export function decodeSettingsKey(config: Config, format?: string): string {
  return `${format ?? config.input.format}|${config.input.maxDocumentBytes}`;
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
  const first = lanes[0]?.config;
  if (first && lanes.some((l) => decodeSettingsKey(l.config, format) !== decodeSettingsKey(first, format))) {
    throw new InvalidConfigError('the configurations read the files differently (input.format or input.maxDocumentBytes): replay them separately');
  }
  const states: LaneState[] = lanes.map((lane) => ({
    lane,
    // Lanes share one process: each gets its share of the memory budget.
    engine: new Engine(
      {
        ...lane.config.engine,
        ...(lane.config.engine.maxStateBytes !== undefined && { maxStateBytes: Math.floor(lane.config.engine.maxStateBytes / lanes.length) }),
      },
      lane.baselines,
    ),
    buffer: new ReorderBuffer(lane.config.input.latenessMs),
    timeGuard: new EventTimeGuard(eventTimeLimits(lane.config.input)),
    released: [],
    maxBytes: lane.config.input.maxEventBytes,
    summary: { accepted: 0, rejected: {}, skipped: {}, lateEvents: 0, alerts: 0, messages: 0, agents: 0 },
    minTime: Number.POSITIVE_INFINITY,
    maxTime: Number.NEGATIVE_INFINITY,
  }));
  // Decoded once at the largest limit; a lane with a smaller one rejects the longer lines itself,
  // as its own replay would have.
  const maxBytes = Math.max(...states.map((s) => s.maxBytes));
  const uniformLimit = states.every((s) => s.maxBytes === maxBytes);
  const result: LockstepSummary = { files: files.length, lines: 0, blankLines: 0, lanes: states.map((s) => s.summary), elapsedMs: 0 };
  let alerts = 0;

  const emit = (s: LaneState, alert: Alert): void => {
    s.summary.messages++;
    if (alert.status === undefined || alert.status === 'open') {
      s.summary.alerts++;
      alerts++;
    }
    s.lane.onAlert(alert);
  };
  const drain = (s: LaneState): void => {
    const watermark = s.buffer.watermarkMs;
    for (const event of s.released) for (const alert of s.engine.process(event, Math.max(watermark, event.timeMs))) emit(s, alert);
    s.released.length = 0;
    // As replay: agents that send nothing are judged by the watermark.
    for (const alert of s.engine.tick(watermark, watermark)) emit(s, alert);
  };
  const reject = (s: LaneState, reason: string): void => {
    s.summary.rejected[reason] = (s.summary.rejected[reason] ?? 0) + 1;
  };
  const accept = (s: LaneState, event: AuditEvent): void => {
    const outOfRange = s.timeGuard.check(event.agentId, event.timeMs);
    if (outOfRange) return reject(s, outOfRange.reason);
    s.summary.accepted++;
    if (event.timeMs < s.minTime) s.minTime = event.timeMs;
    if (event.timeMs > s.maxTime) s.maxTime = event.timeMs;
    s.buffer.push(event, s.released, s.timeGuard.clockMs);
    if (s.released.length > 0) drain(s);
  };

  const fixedFormat = resolveFormatChoice(format ?? first?.input.format);
  const maxDocumentBytes = first?.input.maxDocumentBytes ?? 0;
  for (const [fileIndex, file] of files.entries()) {
    const plan = sniffInput(file, fixedFormat);
    for (const st of states) st.timeGuard.startSource();
    if (!plan.native) {
      // Foreign formats and whole documents, as replay reads them: adapters, then every lane.
      for await (const batch of readFormatFile(file, plan, maxDocumentBytes, maxBytes)) {
        result.lines += batch.lines;
        result.blankLines += batch.blankLines;
        for (const { out } of batch.items) {
          if (out instanceof SkippedRecord) {
            for (const s of states) s.summary.skipped[out.reason] = (s.summary.skipped[out.reason] ?? 0) + 1;
          } else if (out instanceof InvalidEventError) {
            for (const s of states) reject(s, out.reason);
          } else {
            for (const s of states) accept(s, out);
          }
        }
        onProgress?.({ file, fileIndex, files: files.length, bytesRead: batch.bytesRead, fileBytes: batch.fileBytes, lines: result.lines, alerts });
      }
      continue;
    }
    for await (const batch of readJsonlFile(file, { maxLineBytes: maxBytes })) {
      for (const line of batch.lines) {
        result.lines++;
        if (line.length === 0 || (line.length < 4 && line.trim() === '')) {
          result.blankLines++;
          continue;
        }
        let event: AuditEvent;
        try {
          event = decodeAuditEvent(line, maxBytes);
        } catch (err) {
          if (!(err instanceof InvalidEventError)) throw err;
          for (const s of states) reject(s, overByteLimit(line, s.maxBytes) ? 'too_large' : err.reason);
          continue;
        }
        for (const s of states) {
          if (!uniformLimit && overByteLimit(line, s.maxBytes)) reject(s, 'too_large');
          else accept(s, event);
        }
      }
      onProgress?.({ file, fileIndex, files: files.length, bytesRead: batch.bytesRead, fileBytes: batch.fileBytes, lines: result.lines, alerts });
    }
  }
  for (const s of states) {
    s.buffer.flush(s.released);
    drain(s);
    s.summary.lateEvents = s.buffer.lateEvents;
    s.summary.agents = s.engine.agentCount;
    if (Number.isFinite(s.minTime)) s.summary.firstEventTime = new Date(s.minTime).toISOString();
    if (Number.isFinite(s.maxTime)) s.summary.lastEventTime = new Date(s.maxTime).toISOString();
  }
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}
