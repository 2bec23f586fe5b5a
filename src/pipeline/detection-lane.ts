import type { Alert } from '../core/alerts/alert.js';
import type { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import type { Severity } from '../core/detectors/detector.js';
import { Engine, type EngineSnapshot } from '../core/engine.js';
import type { InvalidEventError } from '../core/errors.js';
import type { AuditEvent } from '../core/events/audit-event.js';
import { EventTimeGuard } from '../core/events/event-time-guard.js';
import { ReorderBuffer } from '../core/events/reorder-buffer.js';
import type { Verdict } from '../core/feedback/verdict.js';
import { type Config, eventTimeLimits } from '../config/config-schema.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import type { JsonlFileWriter } from '../sinks/jsonl-file-writer.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';

export interface DetectionLaneOptions {
  config: Config;
  baselines: DeclaredBaselines;
  /** Every message the engine emits (open, update, resolved), in order; a sink may ask to wait. */
  sinks: readonly AlertSink[];
  /** Invalid records go here with file, line, record and reason. */
  rejects?: JsonlFileWriter;
  metrics?: PipelineMetrics;
  /** Start from a saved state instead of a blank engine (warm start). */
  initialState?: EngineSnapshot;
  /** Analyst verdicts, each applied right after its alert is raised. */
  verdicts?: readonly Verdict[];
  /** Lanes sharing one process: this lane's share of engine.maxStateBytes (1 alone). */
  stateShare?: number;
}

const REJECT_RAW_CHARS = 2048;

/**
 * One configuration's detection over decoded records, as replay runs it: event-time guard,
 * reorder within input.latenessMs, engine, alerts to the sinks (in order) and rejects to the
 * rejects file, with counters. `detectedAt` is the event-time watermark at emission, so two runs
 * over the same input are byte-identical. Each method returns a promise only when a sink or the
 * rejects file asks to wait (back-pressure): an await per event would cost more than detection.
 */
export class DetectionLane {
  readonly engine: Engine;
  readonly maxEventBytes: number;
  readonly metrics: PipelineMetrics;
  accepted = 0;
  readonly rejected: Record<string, number> = {};
  /** Valid records with nothing to detect on, by reason. */
  readonly skipped: Record<string, number> = {};
  /** Opening alerts (status absent or `open`), and every message (openings, updates, resolutions). */
  alerts = 0;
  messages = 0;
  readonly alertsByDetector: Record<string, Partial<Record<Severity, number>>> = {};
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  private readonly buffer: ReorderBuffer;
  // Replay has no wall clock: the window is the stream's own watermark (deterministic).
  private readonly timeGuard: EventTimeGuard;
  private readonly released: AuditEvent[] = [];
  private readonly sinks: readonly AlertSink[];
  private readonly rejects: JsonlFileWriter | undefined;

  constructor(opts: DetectionLaneOptions) {
    const engine = opts.config.engine;
    const share = opts.stateShare ?? 1;
    this.engine = new Engine(
      share === 1 || engine.maxStateBytes === undefined ? engine : { ...engine, maxStateBytes: Math.floor(engine.maxStateBytes / share) },
      opts.baselines,
    );
    if (opts.initialState) this.engine.restore(opts.initialState);
    for (const v of opts.verdicts ?? []) this.engine.addVerdict(v, 0);
    this.metrics = opts.metrics ?? noopPipelineMetrics;
    this.metrics.observeEngine(this.engine);
    this.metrics.declareSinks(opts.sinks.map((s) => s.name));
    this.buffer = new ReorderBuffer(opts.config.input.latenessMs);
    this.timeGuard = new EventTimeGuard(eventTimeLimits(opts.config.input));
    this.maxEventBytes = opts.config.input.maxEventBytes;
    this.sinks = opts.sinks;
    this.rejects = opts.rejects;
  }

  get lateEvents(): number {
    return this.buffer.lateEvents;
  }

  /** A new file: its times are judged on their own (EventTimeGuard.startSource). */
  startSource(): void {
    this.timeGuard.startSource();
  }

  /** A decoded event at `line` (and `record` within it, 0 for none) of `file`; `raw` is its line. */
  event(event: AuditEvent, file: string, line: number, record: number, raw: string | undefined): Promise<unknown> | void {
    const outOfRange = this.timeGuard.check(event.agentId, event.timeMs);
    if (outOfRange) return this.reject(outOfRange, file, line, record, raw);
    this.accepted++;
    if (event.timeMs < this.minTime) this.minTime = event.timeMs;
    if (event.timeMs > this.maxTime) this.maxTime = event.timeMs;
    this.buffer.push(event, this.released, this.timeGuard.clockMs);
    if (this.released.length > 0) return this.drain();
  }

  /** Counts a rejected record and writes it, with where it was and why, to the rejects file. */
  reject(err: InvalidEventError, file: string, line: number, record: number, raw: string | undefined): Promise<void> | void {
    this.rejected[err.reason] = (this.rejected[err.reason] ?? 0) + 1;
    this.metrics.eventsRejected(err.reason, 1);
    return this.rejects?.write({
      file,
      line,
      ...(record > 0 && { record }),
      reason: err.reason,
      error: err.message,
      ...(raw !== undefined && { raw: raw.slice(0, REJECT_RAW_CHARS) }),
    });
  }

  skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  /** The end of the input: everything still held in the reorder buffer is detected on. */
  finish(): Promise<unknown> | void {
    this.buffer.flush(this.released);
    return this.drain();
  }

  private emit(alert: Alert, waits: Promise<void>[]): void {
    this.messages++;
    if (alert.status === undefined || alert.status === 'open') {
      this.alerts++;
      const bySeverity = (this.alertsByDetector[alert.detector] ??= {});
      bySeverity[alert.severity] = (bySeverity[alert.severity] ?? 0) + 1;
      this.metrics.alertRaised(alert.detector, alert.severity);
    }
    for (const sink of this.sinks) {
      const pending = sink.write(alert);
      if (pending) waits.push(pending);
      if (!sink.countsDeliveries) this.metrics.sinkDelivered(sink.name, 1);
    }
  }

  private drain(): Promise<unknown> | void {
    const watermark = this.buffer.watermarkMs;
    let waits: Promise<void>[] | undefined;
    // Index loops, not for-of: an array iterator per loop per event showed in the allocation profile (issue 16, item 1).
    const released = this.released;
    for (let i = 0; i < released.length; i++) {
      const event = released[i] as AuditEvent;
      const alerts = this.engine.process(event, Math.max(watermark, event.timeMs));
      for (let a = 0; a < alerts.length; a++) this.emit(alerts[a] as Alert, (waits ??= []));
    }
    // Emptied by pop, not `length = 0`: V8 frees the backing store on a truncation to zero, so the
    // next push allocated a new one for every event (issue 16, item 1: a fifth of replay's scavenges).
    for (let i = released.length; i > 0; i--) released.pop();
    // Agents that send nothing are judged by the watermark: everything before it has been seen.
    const ticked = this.engine.tick(watermark, watermark);
    for (let a = 0; a < ticked.length; a++) this.emit(ticked[a] as Alert, (waits ??= []));
    if (waits && waits.length > 0) return Promise.all(waits);
  }
}
