import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import type { Severity } from '../core/detectors/detector.js';
import { Engine, type EngineSnapshot } from '../core/engine.js';
import { InvalidEventError } from '../core/errors.js';
import type { AuditEvent } from '../core/events/audit-event.js';
import type { Verdict } from '../core/feedback/verdict.js';
import { decodeAuditEvent } from '../core/events/decode-audit-event.js';
import { EventTimeGuard } from '../core/events/event-time-guard.js';
import { ReorderBuffer } from '../core/events/reorder-buffer.js';
import { type Config, eventTimeLimits } from '../config/config-schema.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import type { JsonlFileWriter } from '../sinks/jsonl-file-writer.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import { SkippedRecord } from '../formats/log-format.js';
import { readFormatFile } from '../sources/format-file-source.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';
import { planFormatName, sniffInput } from '../sources/sniff-input.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';

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

const REJECT_RAW_CHARS = 2048;

/**
 * Historical logs through the same engine as the live service, in event-time order: decode,
 * reorder within `input.latenessMs`, detect, write alerts. `detectedAt` is the event-time
 * watermark at emission, so two replays of the same input are byte-identical.
 */
export async function replay(opts: ReplayOptions): Promise<{ summary: ReplaySummary; engine: Engine }> {
  const started = performance.now();
  const engine = new Engine(opts.config.engine, opts.baselines);
  if (opts.initialState) engine.restore(opts.initialState);
  for (const v of opts.verdicts ?? []) engine.addVerdict(v, 0);
  const metrics = opts.metrics ?? noopPipelineMetrics;
  metrics.observeEngine(engine);
  metrics.declareSinks(opts.sinks.map((s) => s.name));
  const buffer = new ReorderBuffer(opts.config.input.latenessMs);
  // Replay has no wall clock: the window is the stream's own watermark (deterministic).
  const timeGuard = new EventTimeGuard(eventTimeLimits(opts.config.input));
  const maxBytes = opts.config.input.maxEventBytes;
  const summary: ReplaySummary = {
    files: opts.files.length,
    lines: 0,
    blankLines: 0,
    accepted: 0,
    rejected: {},
    skipped: {},
    formats: {},
    lateEvents: 0,
    duplicates: 0,
    alerts: 0,
    alertsByDetector: {},
    incidentUpdates: 0,
    updates: 0,
    resolved: 0,
    suppressed: 0,
    verdictsApplied: 0,
    agents: 0,
    learningAgents: 0,
    elapsedMs: 0,
    eventsPerSecond: 0,
  };
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  const released: AuditEvent[] = [];

  // Synchronous unless a sink asks to wait (back-pressure): an await per event would cost more
  // than the detection itself.
  const emit = (alert: Alert, waits: Promise<void>[]): void => {
    if (alert.status === undefined || alert.status === 'open') {
      summary.alerts++;
      const bySeverity = (summary.alertsByDetector[alert.detector] ??= {});
      bySeverity[alert.severity] = (bySeverity[alert.severity] ?? 0) + 1;
      metrics.alertRaised(alert.detector, alert.severity);
    }
    for (const sink of opts.sinks) {
      const pending = sink.write(alert);
      if (pending) waits.push(pending);
      if (!sink.countsDeliveries) metrics.sinkDelivered(sink.name, 1);
    }
  };
  const drain = (): Promise<unknown> | undefined => {
    const watermark = buffer.watermarkMs;
    let waits: Promise<void>[] | undefined;
    for (const event of released) {
      const alerts = engine.process(event, Math.max(watermark, event.timeMs));
      for (const alert of alerts) emit(alert, (waits ??= []));
    }
    released.length = 0;
    // Agents that send nothing are judged by the watermark: everything before it has been seen.
    for (const alert of engine.tick(watermark, watermark)) emit(alert, (waits ??= []));
    return waits && waits.length > 0 ? Promise.all(waits) : undefined;
  };

  /** Counts a rejected record and writes it, with where it was and why, to the rejects file. */
  const reject = (err: InvalidEventError, where: { file: string; line: number; record?: number }, raw: string | undefined): Promise<void> | void => {
    summary.rejected[err.reason] = (summary.rejected[err.reason] ?? 0) + 1;
    metrics.eventsRejected(err.reason, 1);
    return opts.rejects?.write({ ...where, reason: err.reason, error: err.message, ...(raw !== undefined && { raw: raw.slice(0, REJECT_RAW_CHARS) }) });
  };

  // Foreign formats and whole documents, in a function of their own: the native loop below stays
  // small enough for V8 to optimise as before.
  const replayForeign = async (file: string, fileIndex: number, plan: ReturnType<typeof sniffInput>): Promise<void> => {
    // Foreign formats and whole documents: adapters, then the same validation, reorder and engine.
    for await (const batch of readFormatFile(file, plan, maxDocumentBytes, maxBytes)) {
      const batchStarted = performance.now();
      const accepted = summary.accepted;
      summary.lines += batch.lines;
      summary.blankLines += batch.blankLines;
      for (const { line, record, out, raw } of batch.items) {
        if (out instanceof SkippedRecord) {
          summary.skipped[out.reason] = (summary.skipped[out.reason] ?? 0) + 1;
          continue;
        }
        if (out instanceof InvalidEventError) {
          const pending = reject(out, { file, line, ...(record !== undefined && { record }) }, raw);
          if (pending) await pending;
          continue;
        }
        const outOfRange = timeGuard.check(out.agentId, out.timeMs);
        if (outOfRange) {
          const pending = reject(outOfRange, { file, line, ...(record !== undefined && { record }) }, raw);
          if (pending) await pending;
          continue;
        }
        summary.accepted++;
        if (out.timeMs < minTime) minTime = out.timeMs;
        if (out.timeMs > maxTime) maxTime = out.timeMs;
        buffer.push(out, released, timeGuard.clockMs);
        if (released.length > 0) {
          const pending = drain();
          if (pending) await pending;
        }
      }
      metrics.eventsAccepted(summary.accepted - accepted);
      metrics.batchProcessed((performance.now() - batchStarted) / 1000);
      opts.onProgress?.({
        file,
        fileIndex,
        files: opts.files.length,
        bytesRead: batch.bytesRead,
        fileBytes: batch.fileBytes,
        lines: summary.lines,
        alerts: summary.alerts,
      });
    }
  };

  const fixedFormat = resolveFormatChoice(opts.format ?? opts.config.input.format);
  const maxDocumentBytes = opts.config.input.maxDocumentBytes;
  for (const [fileIndex, file] of opts.files.entries()) {
    const plan = sniffInput(file, fixedFormat);
    timeGuard.startSource();
    const formatName = planFormatName(plan);
    summary.formats[formatName] = (summary.formats[formatName] ?? 0) + 1;
    if (!plan.native) {
      await replayForeign(file, fileIndex, plan);
      continue;
    }
    for await (const batch of readJsonlFile(file, { maxLineBytes: maxBytes })) {
      const { lines } = batch;
      const batchStarted = performance.now();
      const accepted = summary.accepted;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        summary.lines++;
        if (line.length === 0 || (line.length < 4 && line.trim() === '')) {
          summary.blankLines++;
          continue;
        }
        let event: AuditEvent;
        try {
          event = decodeAuditEvent(line, maxBytes);
        } catch (err) {
          if (!(err instanceof InvalidEventError)) throw err;
          const pending = reject(err, { file, line: batch.firstLine + i }, line);
          if (pending) await pending;
          continue;
        }
        const outOfRange = timeGuard.check(event.agentId, event.timeMs);
        if (outOfRange) {
          const pending = reject(outOfRange, { file, line: batch.firstLine + i }, line);
          if (pending) await pending;
          continue;
        }
        summary.accepted++;
        if (event.timeMs < minTime) minTime = event.timeMs;
        if (event.timeMs > maxTime) maxTime = event.timeMs;
        buffer.push(event, released, timeGuard.clockMs);
        if (released.length > 0) {
          const pending = drain();
          if (pending) await pending;
        }
      }
      metrics.eventsAccepted(summary.accepted - accepted);
      metrics.batchProcessed((performance.now() - batchStarted) / 1000);
      opts.onProgress?.({
        file,
        fileIndex,
        files: opts.files.length,
        bytesRead: batch.bytesRead,
        fileBytes: batch.fileBytes,
        lines: summary.lines,
        alerts: summary.alerts,
      });
    }
  }
  buffer.flush(released);
  await drain();

  summary.lateEvents = buffer.lateEvents;
  summary.duplicates = engine.stats.duplicates;
  if (summary.duplicates > 0) metrics.eventsDuplicate(summary.duplicates);
  summary.incidentUpdates = engine.stats.incidentUpdates;
  summary.updates = engine.stats.updates;
  summary.resolved = engine.stats.resolved;
  summary.suppressed = engine.stats.suppressed;
  if (engine.stats.graceHeld > 0) summary.graceHeld = engine.stats.graceHeld;
  summary.verdictsApplied = engine.stats.verdictsApplied;
  summary.agents = engine.agentCount;
  summary.learningAgents = engine.learningAgentCount();
  if (Number.isFinite(minTime)) summary.firstEventTime = new Date(minTime).toISOString();
  if (Number.isFinite(maxTime)) summary.lastEventTime = new Date(maxTime).toISOString();
  summary.elapsedMs = Math.round(performance.now() - started);
  summary.eventsPerSecond = Math.round(summary.accepted / Math.max(summary.elapsedMs / 1000, 1e-3));
  return { summary, engine };
}
