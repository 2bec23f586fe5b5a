/**
 * Turns a NAB series (CSV `timestamp,value`) into an agent's audit events: each row's value,
 * scaled to a non-negative integer count, becomes that many `api_call` events spread evenly over
 * the row's interval. The dataset is read in place (never copied); see docs/nab-benchmark.md.
 *
 * Scaling (the values of most series are not counts):
 * - count-like series (every value a non-negative integer: tweets, taxi passengers, ELB
 *   requests, but also traffic speeds and the integer synthetic series) are used as they are;
 * - other series are levels (CPU %, bytes, temperatures, ad prices): shifted up so their minimum
 *   is 0 when they go negative (a level has no natural zero), then scaled so that a row of mean
 *   value is `ratePerMinute` events per minute of the series' cadence;
 * - any series that would still exceed `maxEvents` events (nyc_taxi: 156 M passengers) is scaled
 *   down proportionally to `maxEvents`, which keeps its shape and the run within minutes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditEvent } from '../../src/core/events/audit-event.js';

export interface NabRow {
  timeMs: number;
  value: number;
}

export interface ScaleOptions {
  /**
   * Mean events per minute of a non-count series. Default 10: the median rate of the busiest
   * count series (AAPL and AMZN tweets), i.e. a level series at its mean looks like a busy agent.
   * A free parameter: the score moves with it (docs/nab-benchmark.md).
   */
  ratePerMinute: number;
  /** Most events one series may become (default 2 M). */
  maxEvents: number;
}

export const DEFAULT_SCALE: ScaleOptions = { ratePerMinute: 10, maxEvents: 2_000_000 };

/** One row's place in event time: `count` events from `startMs` over `lengthMs`. */
export interface RowSlot {
  /** Index of the row in the file (NAB's row index). */
  row: number;
  startMs: number;
  lengthMs: number;
  count: number;
}

export interface SeriesPlan {
  countLike: boolean;
  /** count = round(scale · (value − offset)), clamped at 0. */
  offset: number;
  scale: number;
  /** Median gap between distinct timestamps: a row's nominal interval. */
  cadenceMs: number;
  /** In event-time order (a stable sort of the rows by timestamp). */
  slots: RowSlot[];
  events: number;
  /** Time of the first event (the engine's learning starts here), or NaN with no events. */
  firstEventMs: number;
}

const MINUTE_MS = 60_000;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** NAB timestamps are naive (`YYYY-mm-dd HH:MM:SS[.ffffff]`); we read them as UTC, consistently for rows and windows. */
export function parseNabTime(s: string): number {
  const m = TIMESTAMP.exec(s.trim());
  if (m === null) throw new RangeError(`not a NAB timestamp: ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, se, frac] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
}

export function parseNabCsv(text: string): NabRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'timestamp,value') throw new RangeError(`expected the header "timestamp,value", got ${JSON.stringify(lines[0])}`);
  return lines.slice(1).map((line, i) => {
    const [ts, v] = line.split(',');
    const value = Number(v);
    if (ts === undefined || v === undefined || !Number.isFinite(value)) throw new RangeError(`row ${i}: bad line ${JSON.stringify(line)}`);
    return { timeMs: parseNabTime(ts), value };
  });
}

/**
 * The dataset, read in place: env NAB_DIR, else `nab` under AGENTWATCH_DATASETS, under
 * ../shared/datasets beside the repository, or under the workspace's /work/shared/datasets (a
 * clone made elsewhere, as CI does) — the same places the tests look for the other public logs.
 */
export function defaultNabDir(): string {
  const env = process.env['NAB_DIR'];
  if (env !== undefined && env.trim() !== '') return resolve(env);
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const roots = [process.env['AGENTWATCH_DATASETS'], resolve(repo, '..', 'shared', 'datasets'), '/work/shared/datasets'].filter(
    (d): d is string => d !== undefined && d.trim() !== '',
  );
  const candidates = roots.map((d) => resolve(d, 'nab'));
  return candidates.find((d) => existsSync(d)) ?? (candidates[0] as string);
}

/** Series keys as NAB names them in its label files: `<dir>/<file>.csv`, sorted. */
export function listNabSeries(dataDir: string): string[] {
  const keys: string[] = [];
  for (const dir of readdirSync(dataDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(dataDir, dir.name))) if (f.endsWith('.csv')) keys.push(`${dir.name}/${f}`);
  }
  return keys.sort();
}

export function readNabSeries(dataDir: string, key: string): NabRow[] {
  return parseNabCsv(readFileSync(join(dataDir, key), 'utf8'));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function totalEvents(rows: readonly NabRow[], offset: number, scale: number): number {
  let n = 0;
  for (const r of rows) n += Math.max(0, Math.round(scale * (r.value - offset)));
  return n;
}

/**
 * Plans a series' events. Rows are placed in timestamp order (a stable sort: a few files repeat
 * an hour at a clock change). A row lasts until the next distinct timestamp, but at most one
 * cadence: a longer gap is missing data, i.e. silence, not one row stretched over days. Rows
 * sharing a timestamp share its interval in equal parts, so every row keeps its own slot.
 */
export function planSeries(rows: readonly NabRow[], opts: ScaleOptions = DEFAULT_SCALE): SeriesPlan {
  const order = rows.map((r, i) => ({ row: i, timeMs: r.timeMs })).sort((a, b) => a.timeMs - b.timeMs || a.row - b.row);
  const distinct = [...new Set(order.map((o) => o.timeMs))];
  const gaps = distinct.slice(1).map((t, i) => t - (distinct[i] as number));
  const cadenceMs = gaps.length > 0 ? median(gaps) : MINUTE_MS;

  const countLike = rows.every((r) => r.value >= 0 && Number.isInteger(r.value));
  const minValue = rows.reduce((m, r) => Math.min(m, r.value), Number.POSITIVE_INFINITY);
  const offset = countLike || !(minValue < 0) ? 0 : minValue;
  let scale = 1;
  if (!countLike && rows.length > 0) {
    const mean = rows.reduce((s, r) => s + (r.value - offset), 0) / rows.length;
    if (mean > 0) scale = (opts.ratePerMinute * cadenceMs) / MINUTE_MS / mean;
  }
  const total = totalEvents(rows, offset, scale);
  if (total > opts.maxEvents) scale *= opts.maxEvents / total;

  const slots: RowSlot[] = [];
  let events = 0;
  let firstEventMs = Number.NaN;
  for (let a = 0; a < order.length;) {
    const t = (order[a] as { timeMs: number }).timeMs;
    let b = a;
    while (b < order.length && (order[b] as { timeMs: number }).timeMs === t) b++;
    const next = order[b]?.timeMs;
    const groupMs = next === undefined ? cadenceMs : Math.min(next - t, cadenceMs);
    const each = groupMs / (b - a);
    for (let k = a; k < b; k++) {
      const row = (order[k] as { row: number }).row;
      const count = Math.max(0, Math.round(scale * ((rows[row] as NabRow).value - offset)));
      const startMs = t + Math.floor((k - a) * each);
      if (count > 0 && Number.isNaN(firstEventMs)) firstEventMs = startMs;
      slots.push({ row, startMs, lengthMs: Math.max(1, Math.floor(each)), count });
      events += count;
    }
    a = b;
  }
  return { countLike, offset, scale, cadenceMs, slots, events, firstEventMs };
}

/** The event `j` of a slot: evenly spread, ids unique per series (row and ordinal). */
export function slotEvent(agentId: string, slot: RowSlot, j: number): AuditEvent {
  return {
    id: `${agentId}#${slot.row}.${j}`,
    timeMs: slot.startMs + Math.floor((j * slot.lengthMs) / slot.count),
    agentId,
    category: 'api_call',
    action: 'nab.row',
    outcome: 'success',
  };
}

/**
 * NAB's row index for a detection at `timeMs`: the row whose slot contains it, i.e. the last slot
 * starting at or before it (a detection in a data gap belongs to the row before the gap).
 */
export function rowAt(plan: SeriesPlan, timeMs: number): number {
  const s = plan.slots;
  let lo = 0;
  let hi = s.length - 1;
  if (hi < 0) return -1;
  if (timeMs < (s[0] as RowSlot).startMs) return (s[0] as RowSlot).row;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((s[mid] as RowSlot).startMs <= timeMs) lo = mid;
    else hi = mid - 1;
  }
  return (s[lo] as RowSlot).row;
}

/**
 * Label windows (`combined_windows.json` timestamps) as row indices. NAB enters a window at the
 * first row whose timestamp equals its start and leaves at `timestamps.index(end)`; a timestamp
 * missing from the file falls back to the nearest row inside the window.
 */
export function windowRows(rows: readonly NabRow[], windows: readonly (readonly [string, string])[]): { start: number; end: number }[] {
  return windows.map(([a, b]) => {
    const startMs = parseNabTime(a);
    const endMs = parseNabTime(b);
    let start = rows.findIndex((r) => r.timeMs === startMs);
    if (start < 0) start = rows.findIndex((r) => r.timeMs >= startMs);
    let end = rows.findIndex((r) => r.timeMs === endMs);
    if (end < 0) end = rows.findLastIndex((r) => r.timeMs <= endMs);
    return { start, end };
  });
}
