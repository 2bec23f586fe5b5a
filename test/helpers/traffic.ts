import type { Alert } from '../../src/core/alerts/alert.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import type { DeclaredBaselinesDocument } from '../../src/core/baselines/declared-baselines-schema.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { Engine } from '../../src/core/engine.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Monday 2026-03-02 00:00 UTC. */
export const T0 = Date.UTC(2026, 2, 2);

let seq = 0;

export function event(agentId: string, timeMs: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { id: `${agentId}-${timeMs}-${seq++}`, timeMs, agentId, category: 'api_call', action: 'storage.blob.read', outcome: 'success', ...extra };
}

/** A small deterministic PRNG for test traffic (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson sample (Knuth for small means, normal approximation above 30). */
export function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/**
 * Per-minute traffic for one agent: `ratePerMinute(minuteStartMs)` gives the Poisson mean of
 * each minute; events are spread evenly inside the minute.
 */
export function traffic(
  agentId: string,
  fromMs: number,
  toMs: number,
  ratePerMinute: (t: number) => number,
  seed = 1,
  extra: Partial<AuditEvent> = {},
): AuditEvent[] {
  const rand = prng(seed);
  const out: AuditEvent[] = [];
  for (let t = fromMs; t < toMs; t += MINUTE) {
    const n = poisson(rand, ratePerMinute(t));
    for (let i = 0; i < n; i++) out.push(event(agentId, t + Math.floor(((i + 0.5) * MINUTE) / n), extra));
  }
  return out;
}

export function merge(...streams: AuditEvent[][]): AuditEvent[] {
  return streams.flat().sort((a, b) => a.timeMs - b.timeMs);
}

export function engineWith(settings: unknown = {}, declared: DeclaredBaselinesDocument = {}): Engine {
  return new Engine(defaultEngineSettings(settings), new DeclaredBaselines(declared));
}

/** The alerts raised (opening messages only: detection tests count incidents). */
export function run(engine: Engine, events: readonly AuditEvent[]): Alert[] {
  return runAll(engine, events).filter((a) => a.status === undefined || a.status === 'open');
}

/** Every message: opening alerts, updates and resolutions of their incidents. */
export function runAll(engine: Engine, events: readonly AuditEvent[]): Alert[] {
  const alerts: Alert[] = [];
  for (const e of events) alerts.push(...engine.process(e, e.timeMs));
  return alerts;
}

/** Local hour of day in a zone (test oracle independent of the engine's own offset code). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, kind: 'hour' | 'weekday'): Intl.DateTimeFormat {
  const key = `${timeZone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', kind === 'hour' ? { timeZone, hour: '2-digit', hourCycle: 'h23' } : { timeZone, weekday: 'short' });
    formatters.set(key, f);
  }
  return f;
}

export function localHour(timeMs: number, timeZone: string): number {
  return Number(fmt(timeZone, 'hour').format(timeMs));
}

export function localWeekday(timeMs: number, timeZone: string): string {
  return fmt(timeZone, 'weekday').format(timeMs);
}
