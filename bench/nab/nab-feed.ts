/**
 * Feeds one planned NAB series through its own fresh Engine, in event-time order, and collects
 * the detections: opening alerts (AlertStatus `open`, or no status, which the Alert contract
 * reads as `open`) of the rate detectors, mapped to NAB row indices.
 */
import type { Alert } from '../../src/core/alerts/alert.js';
import { Engine } from '../../src/core/engine.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { probationaryLength } from './nab-scorer.js';
import { type NabRow, type SeriesPlan, rowAt, slotEvent } from './nab-events.js';

/** The detectors scored: a rate that rises (`rate_spike`) or falls (`rate_drop`, issue 14). */
export const SCORED_DETECTORS: readonly string[] = ['rate_spike', 'rate_drop'];

/** The schema's ceiling on learningPeriodMs (30 days); only ambient_temperature's 750 hourly rows exceed it. */
const MAX_LEARNING_MS = 30 * 86_400_000;

export interface SeriesRun {
  /** Row indices with a scored detection (each once). */
  detectedRows: number[];
  /** Opening alerts per detector (all detectors, scored or not). */
  opened: Record<string, number>;
  events: number;
  ticks: number;
  learningPeriodMs: number;
}

/**
 * The engine's learning period matching NAB's probation: from the first event to the start of
 * the first scored row (`min(floor(0.15·rows), 750)`), clamped to the settings schema's range.
 */
export function learningPeriodFor(rows: readonly NabRow[], plan: SeriesPlan): number {
  const first = rows[Math.min(rows.length - 1, Math.ceil(probationaryLength(rows.length)))];
  if (first === undefined || Number.isNaN(plan.firstEventMs)) return 0;
  return Math.max(0, Math.min(MAX_LEARNING_MS, first.timeMs - plan.firstEventMs));
}

export function isOpening(alert: Alert): boolean {
  return alert.status === undefined || alert.status === 'open';
}

/**
 * Runs the series. `tick(t, t)` is called at the start of every row and every cadence through a
 * data gap, so silences are judged even where no event arrives; `detectedAt` is event time, as in
 * replay. A detection's time is the stream time at which the engine emitted it (the event's time,
 * or the tick's), since that is when a NAB detector would have flagged the row.
 */
export function runSeries(agentId: string, rows: readonly NabRow[], plan: SeriesPlan, settings: Record<string, unknown> = {}): SeriesRun {
  const learningPeriodMs = learningPeriodFor(rows, plan);
  const engine = new Engine(defaultEngineSettings({ minLearningEvents: 0, ...settings, learningPeriodMs }));
  const detected = new Set<number>();
  const opened: Record<string, number> = {};
  const collect = (alerts: readonly Alert[], atMs: number) => {
    for (const a of alerts) {
      if (!isOpening(a)) continue;
      const name: string = a.detector;
      opened[name] = (opened[name] ?? 0) + 1;
      if (SCORED_DETECTORS.includes(name)) detected.add(rowAt(plan, atMs));
    }
  };

  let ticks = 0;
  const tick = (t: number) => {
    ticks++;
    collect(engine.tick(t, t), t);
  };
  const slots = plan.slots;
  for (let s = 0; s < slots.length; s++) {
    const slot = slots[s];
    if (slot === undefined) continue;
    tick(slot.startMs);
    for (let j = 0; j < slot.count; j++) {
      const ev = slotEvent(agentId, slot, j);
      const alerts = engine.process(ev, ev.timeMs);
      if (alerts.length > 0) collect(alerts, ev.timeMs);
    }
    // Through a gap in the data (slot shorter than the time to the next row): keep time moving.
    const nextStart = slots[s + 1]?.startMs ?? slot.startMs + plan.cadenceMs;
    for (let t = slot.startMs + slot.lengthMs; t < nextStart; t += plan.cadenceMs) tick(t);
  }
  return { detectedRows: [...detected].sort((a, b) => a - b), opened, events: engine.stats.events, ticks, learningPeriodMs };
}
