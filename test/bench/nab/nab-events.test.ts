import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeries } from '../../../bench/nab/nab-feed.js';
import {
  defaultNabDir,
  listNabSeries,
  parseNabCsv,
  parseNabTime,
  planSeries,
  readNabSeries,
  rowAt,
  slotEvent,
  windowRows,
} from '../../../bench/nab/nab-events.js';
import { perfectDetections, probationaryLength, scoreCorpus } from '../../../bench/nab/nab-scorer.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const SCALE = { ratePerMinute: 10, maxEvents: 2_000_000 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nab-events-'));
  mkdirSync(join(dir, 'data', 'tiny'), { recursive: true });
  // A count series with a 20-minute gap after its third row.
  writeFileSync(
    join(dir, 'data', 'tiny', 'counts.csv'),
    'timestamp,value\n2024-01-01 00:00:00,3\n2024-01-01 00:05:00,0\n2024-01-01 00:10:00,2\n2024-01-01 00:30:00,1\n',
  );
  writeFileSync(join(dir, 'data', 'tiny', 'notes.txt'), 'not a series');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NAB CSV reading', () => {
  it('lists <dir>/<file>.csv keys and reads rows with naive timestamps as UTC', () => {
    expect(listNabSeries(join(dir, 'data'))).toEqual(['tiny/counts.csv']);
    const rows = readNabSeries(join(dir, 'data'), 'tiny/counts.csv');
    expect(rows).toEqual([
      { timeMs: T0, value: 3 },
      { timeMs: T0 + 5 * MIN, value: 0 },
      { timeMs: T0 + 10 * MIN, value: 2 },
      { timeMs: T0 + 30 * MIN, value: 1 },
    ]);
    expect(parseNabTime('2014-02-14 14:30:00.000000')).toBe(Date.UTC(2014, 1, 14, 14, 30));
    expect(() => parseNabCsv('time,v\n2024-01-01 00:00:00,1\n')).toThrow(/header/);
    expect(() => parseNabCsv('timestamp,value\n2024-01-01 00:00:00,abc\n')).toThrow(/row 0/);
  });
});

describe('planSeries', () => {
  it('a count series: values as they are, spread over the row interval, a data gap left silent', () => {
    const rows = readNabSeries(join(dir, 'data'), 'tiny/counts.csv');
    const plan = planSeries(rows, SCALE);
    expect([plan.countLike, plan.scale, plan.offset, plan.cadenceMs, plan.events, plan.firstEventMs]).toEqual([true, 1, 0, 5 * MIN, 6, T0]);
    // The row at 00:10 lasts one cadence (5 min), not the 20 minutes to the next row.
    expect(plan.slots.map((s) => [s.row, s.startMs - T0, s.lengthMs, s.count])).toEqual([
      [0, 0, 5 * MIN, 3],
      [1, 5 * MIN, 5 * MIN, 0],
      [2, 10 * MIN, 5 * MIN, 2],
      [3, 30 * MIN, 5 * MIN, 1],
    ]);
    const first = plan.slots[0]!;
    expect([0, 1, 2].map((j) => slotEvent('tiny/counts.csv', first, j).timeMs - T0)).toEqual([0, 100_000, 200_000]);
    expect(slotEvent('tiny/counts.csv', first, 1)).toEqual({
      id: 'tiny/counts.csv#0.1',
      timeMs: T0 + 100_000,
      agentId: 'tiny/counts.csv',
      category: 'api_call',
      action: 'nab.row',
      outcome: 'success',
    });
  });

  it('a level series is shifted to a zero minimum and scaled to ratePerMinute at its mean', () => {
    const rows = [1.5, -0.5, 0.5, 2.5].map((value, i) => ({ timeMs: T0 + i * MIN, value }));
    const plan = planSeries(rows, SCALE);
    // Shifted: 2, 0, 1, 3 (mean 1.5); one-minute cadence → 10 events for a mean row: × 10 / 1.5.
    expect([plan.countLike, plan.offset, plan.cadenceMs]).toEqual([false, -0.5, MIN]);
    expect(plan.scale).toBeCloseTo(10 / 1.5, 12);
    expect(plan.slots.map((s) => s.count)).toEqual([13, 0, 7, 20]);
    expect(plan.events).toBe(40);
  });

  it('a series over maxEvents is scaled down proportionally', () => {
    const rows = readNabSeries(join(dir, 'data'), 'tiny/counts.csv');
    const plan = planSeries(rows, { ratePerMinute: 10, maxEvents: 4 });
    expect(plan.scale).toBeCloseTo(4 / 6, 12);
    expect(plan.slots.map((s) => s.count)).toEqual([2, 0, 1, 1]);
    expect(plan.events).toBe(4);
  });

  it('rows out of order or sharing a timestamp keep their own slot, in time order', () => {
    const rows = [
      { timeMs: T0 + 10 * MIN, value: 4 },
      { timeMs: T0, value: 4 },
      { timeMs: T0 + 5 * MIN, value: 4 },
      { timeMs: T0 + 5 * MIN, value: 4 },
    ];
    const plan = planSeries(rows, SCALE);
    expect(plan.slots.map((s) => [s.row, s.startMs - T0, s.lengthMs])).toEqual([
      [1, 0, 5 * MIN],
      [2, 5 * MIN, 2.5 * MIN],
      [3, 7.5 * MIN, 2.5 * MIN],
      [0, 10 * MIN, 5 * MIN],
    ]);
    expect(rowAt(plan, T0 + 8 * MIN)).toBe(3);
    expect(rowAt(plan, T0 + 12 * MIN)).toBe(0);
  });
});

describe('rowAt and windowRows', () => {
  it('maps a detection time to the row whose slot contains it (a gap belongs to the row before it)', () => {
    const rows = readNabSeries(join(dir, 'data'), 'tiny/counts.csv');
    const plan = planSeries(rows, SCALE);
    expect([T0 - MIN, T0, T0 + 4 * MIN, T0 + 5 * MIN, T0 + 20 * MIN, T0 + 30 * MIN, T0 + 99 * MIN].map((t) => rowAt(plan, t))).toEqual([0, 0, 0, 1, 2, 3, 3]);
  });

  it('maps window timestamps to row indices, falling back to the nearest row inside the window', () => {
    const rows = readNabSeries(join(dir, 'data'), 'tiny/counts.csv');
    expect(windowRows(rows, [['2024-01-01 00:05:00.000000', '2024-01-01 00:10:00.000000']])).toEqual([{ start: 1, end: 2 }]);
    expect(windowRows(rows, [['2024-01-01 00:03:00.000000', '2024-01-01 00:29:00.000000']])).toEqual([{ start: 1, end: 2 }]);
  });
});

describe('runSeries', () => {
  it('feeds every planned event once, learns through NAB probation, and maps a burst to its row', () => {
    // 1000 five-minute rows of 50 events (10 a minute), a 40× burst at row 800.
    const rows = Array.from({ length: 1000 }, (_, i) => ({ timeMs: T0 + i * 5 * MIN, value: i === 800 ? 2000 : 50 }));
    const plan = planSeries(rows, SCALE);
    const run = runSeries('burst', rows, plan);
    expect(run.events).toBe(999 * 50 + 2000);
    // Learning ends where NAB's scoring starts: row 150, 12.5 hours after the first event.
    expect(probationaryLength(1000)).toBe(150);
    expect(run.learningPeriodMs).toBe(150 * 5 * MIN);
    expect(run.ticks).toBeGreaterThanOrEqual(1000);
    expect(run.detectedRows).toContain(800);
    expect(run.detectedRows.every((r) => r >= 150)).toBe(true);
  });
});

// The real corpus, read in place; skipped (with a message) where it is not installed.
const NAB = defaultNabDir();
const haveNab = existsSync(join(NAB, 'labels', 'combined_windows.json'));
if (!haveNab) console.warn(`[nab] dataset not found at ${NAB} (set NAB_DIR): its tests are skipped`);

describe.skipIf(!haveNab)(`the NAB corpus at ${NAB}`, () => {
  it('every labelled window maps to rows after probation, and null / perfect score 0 / 100', () => {
    const windows = JSON.parse(readFileSync(join(NAB, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
    const keys = listNabSeries(join(NAB, 'data')).filter((k) => k in windows);
    const files = keys.map((key) => {
      const rows = readNabSeries(join(NAB, 'data'), key);
      const wins = windowRows(rows, windows[key] ?? []);
      for (const w of wins) {
        expect(w.start).toBeGreaterThanOrEqual(probationaryLength(rows.length));
        expect(w.end).toBeGreaterThanOrEqual(w.start);
        expect(w.end).toBeLessThan(rows.length);
      }
      return { rows: rows.length, windows: wins };
    });
    const total = files.reduce((n, f) => n + f.windows.length, 0);
    if (keys.length === 58) expect(total).toBe(116);
    const cost = { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 };
    expect(
      scoreCorpus(
        files.map((f) => ({ ...f, detections: [] })),
        cost,
      ).normalized,
    ).toBeCloseTo(0, 10);
    expect(
      scoreCorpus(
        files.map((f) => ({ ...f, detections: perfectDetections(f.windows) })),
        cost,
      ).normalized,
    ).toBeCloseTo(100, 10);
  });
});
