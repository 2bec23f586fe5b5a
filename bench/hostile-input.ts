/**
 * The speed claims of the hostile-input and validation tests (issue 13), as ratios against a
 * baseline measured in the same run: the tests themselves check behaviour only, never the clock.
 * Part of `npm run bench` (rows of its table), or alone:
 *   node --import tsx bench/hostile-input.ts [--rounds N]
 * Each measure alternates subject and baseline for N rounds (default 3); medians.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadConfig } from '../src/config/load-config.js';
import type { Alert } from '../src/core/alerts/alert.js';
import { isAgentSnapshot } from '../src/core/baselines/agent-snapshot-schema.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import { GlobSet, compileGlob } from '../src/core/glob.js';
import { buildReportData } from '../src/report/report-data.js';
import { renderReportHtml } from '../src/report/render-report-html.js';
import { readJsonlFile } from '../src/sources/jsonl-file-source.js';
import { readStateFile } from '../src/state/state-file.js';
import { richSnapshots } from '../test/helpers/rich-snapshots.js';
import { HOUR, T0 } from '../test/helpers/traffic.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Milliseconds per call of `fn`, over `reps` calls. */
function perCall(fn: () => unknown, reps: number): number {
  const started = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - started) / reps;
}

async function perCallAsync(fn: () => Promise<unknown>, reps: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - started) / reps;
}

interface Ratio {
  measure: string;
  subjectMs: number;
  baselineMs: number;
  ratio: number;
  /** The ratio must stay below this. */
  below: number;
  note: string;
}

/** Subject and baseline alternated `rounds` times after one untimed call of each; medians. */
async function ratio(
  rounds: number,
  subject: () => Promise<number> | number,
  baseline: () => Promise<number> | number,
): Promise<{ subjectMs: number; baselineMs: number; ratio: number }> {
  await subject();
  await baseline();
  const s: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    s.push(await subject());
    b.push(await baseline());
  }
  const subjectMs = median(s);
  const baselineMs = median(b);
  return { subjectMs, baselineMs, ratio: subjectMs / baselineMs };
}

function reportAlert(id: string, agentId: string, timeMs: number): Alert {
  const time = new Date(timeMs).toISOString();
  return {
    id,
    agentId,
    detector: 'rate_spike',
    severity: 'medium',
    score: 50,
    time,
    detectedAt: time,
    summary: `${agentId} rate_spike`,
    observed: {},
    expected: {},
    evidence: [],
    baseline: { events: 100, days: 9, learning: false, basis: 'learned' },
    eventId: `e-${id}`,
    status: 'open',
    episode: { revision: 0, count: 1, firstTime: time, lastTime: time, peakScore: 50, peakObserved: {} },
  };
}

/** The measures; `dir` is a scratch folder for the files they read. */
export async function measureHostileInput(rounds: number, dir: string): Promise<Ratio[]> {
  const out: Ratio[] = [];

  // Checking an agent snapshot against its schema costs less than parsing it (a restore of a
  // million agents pays both); 100k snapshots: 2–4 % of parsing them.
  {
    const snapshots = richSnapshots();
    const lines = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ ...snapshots[i % snapshots.length], agentId: `a${i}` }));
    const parsed = lines.map((l) => JSON.parse(l) as unknown);
    if (!parsed.every((s) => isAgentSnapshot(s))) throw new Error('bench snapshots must be valid');
    const r = await ratio(
      rounds,
      () => perCall(() => parsed.filter((s) => isAgentSnapshot(s)), 1),
      () => perCall(() => lines.map((l) => JSON.parse(l) as unknown), 1),
    );
    out.push({ measure: 'agent-snapshot schema check / `JSON.parse` of the same 5,000 snapshots', ...r, below: 1, note: 'cheaper than parsing' });
  }

  // A glob's worst case is linear in the text: ten times the text, about ten times the time
  // (quadratic would be a hundred; the old `.*` translation was exponential).
  {
    const hostile = compileGlob(`${'*a'.repeat(9)}*b`);
    const small = 'a'.repeat(20_000);
    const large = 'a'.repeat(200_000);
    const r = await ratio(
      rounds,
      () => perCall(() => hostile.test(large), 200),
      () => perCall(() => hostile.test(small), 200),
    );
    out.push({ measure: 'glob `*a*a*a*a*a*a*a*a*a*b`, a miss: 200,000 / 20,000 characters', ...r, below: 40, note: 'linear 10, quadratic 100' });
  }
  {
    const set = new GlobSet(Array.from({ length: 20 }, (_, i) => ({ pattern: `${'*a'.repeat(8 + (i % 4))}*b${i}`, value: i })));
    const small = 'a'.repeat(2_048);
    const large = 'a'.repeat(20_480);
    const r = await ratio(
      rounds,
      () => perCall(() => set.match(large), 200),
      () => perCall(() => set.match(small), 200),
    );
    out.push({ measure: 'GlobSet of 20 such patterns, a miss: 20,480 / 2,048 characters', ...r, below: 40, note: 'linear 10, quadratic 100' });
  }

  // A line without a line feed, read in 64 KiB chunks: linear in the line (the quadratic reader
  // re-split the carried line at every chunk and took minutes for 200 MB).
  {
    const write = (mb: number) => {
      const path = join(dir, `line-${mb}mb.jsonl.gz`);
      writeFileSync(path, gzipSync(Buffer.alloc(mb << 20, 'a'), { level: 1 }));
      return path;
    };
    const read = async (path: string) => {
      let n = 0;
      for await (const batch of readJsonlFile(path, { maxLineBytes: 65_536, highWaterMark: 65_536 })) n += batch.lines.length;
      if (n !== 1) throw new Error(`expected one line, got ${n}`);
    };
    const large = write(64);
    const small = write(16);
    const r = await ratio(
      rounds,
      () => perCallAsync(() => read(large), 2),
      () => perCallAsync(() => read(small), 2),
    );
    out.push({ measure: 'one line without a line feed in a `.jsonl.gz`, 64 KiB chunks: 64 MB / 16 MB', ...r, below: 8, note: 'linear 4, quadratic 16' });
  }

  // A gzip bomb as a state file stops at the limit: refusing 64 MB of spaces with a 1 MiB limit
  // costs a fraction of inflating them all.
  {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"format":"agentwatch-state"'), Buffer.alloc(64 << 20, 32), Buffer.from('}')]), { level: 9 });
    const path = join(dir, 'bomb.json.gz');
    writeFileSync(path, bomb);
    const refuse = () => {
      try {
        readStateFile(path, { maxBytes: 1 << 20 });
      } catch {
        return;
      }
      throw new Error('the bomb was read');
    };
    const r = await ratio(
      rounds,
      () => perCall(refuse, 5),
      () => perCall(() => gunzipSync(bomb), 5),
    );
    out.push({
      measure: 'state-file gzip bomb refused at a 1 MiB limit / `gunzipSync` of all its 64 MB',
      ...r,
      below: 0.25,
      note: 'about 1/64 when it stops at the limit',
    });
  }

  // A YAML alias bomb (9 levels of 9 aliases: 387 million strings) is refused at its first
  // alias, for about what a config of the same size without aliases costs.
  {
    const levels = 'abcdefghi'.split('');
    const bombText = levels
      .map((l, i) =>
        i === 0
          ? `${l}: &${l} [${Array(9).fill('"lol"').join(',')}]`
          : `${l}: &${l} [${Array(9)
              .fill(`*${levels[i - 1]}`)
              .join(',')}]`,
      )
      .join('\n');
    const plainText = levels.map((l) => `${l}: [${Array(9).fill('"lol"').join(',')}]`).join('\n');
    const bomb = join(dir, 'bomb.yaml');
    const plain = join(dir, 'plain.yaml');
    writeFileSync(bomb, bombText);
    writeFileSync(plain, plainText);
    const refuse = (file: string) => () => {
      try {
        loadConfig(file, {});
      } catch {
        return;
      }
      throw new Error(`${file} was accepted`);
    };
    const r = await ratio(
      rounds,
      () => perCall(refuse(bomb), 50),
      () => perCall(refuse(plain), 50),
    );
    out.push({ measure: 'YAML alias bomb refused / a config of the same keys without aliases (both refused)', ...r, below: 10, note: 'the same order' });
  }

  // A report with an alert at epoch-ms 8.64e15 (the last date there is) and one with an invalid
  // time costs about what the same report with two ordinary alerts does.
  {
    const settings = defaultEngineSettings();
    const fleet = Array.from({ length: 50 }, (_, i) => reportAlert(`f${i}`, `agent-${i % 5}`, T0 + i * HOUR));
    const hostile = [
      ...fleet,
      { ...reportAlert('last', 'agent-y', 0), time: new Date(8.64e15).toISOString() },
      { ...reportAlert('bad', 'agent-z', 0), time: 'not a time', episode: undefined },
    ];
    const ordinary = [...fleet, reportAlert('last', 'agent-y', T0 + 20 * HOUR), reportAlert('bad', 'agent-z', T0 + 30 * HOUR)];
    const report = (alerts: Alert[]) => () =>
      renderReportHtml(buildReportData({ alerts, settings }), { alertsFile: 'a.jsonl', generatedAt: 'now', agentwatchVersion: 'bench' });
    const r = await ratio(
      rounds,
      () => perCall(report(hostile), 20),
      () => perCall(report(ordinary), 20),
    );
    out.push({ measure: '`report` of 50 alerts plus one at 8.64e15 ms and one invalid / plus two ordinary ones', ...r, below: 10, note: 'the same order' });
  }
  return out;
}

const fmt = (ms: number) => (ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);

/** Rows for the `measure | result | target` table of `npm run bench`. */
export async function hostileInputRows(rounds: number): Promise<string[]> {
  process.stderr.write('hostile input and validation …\n');
  const dir = mkdtempSync(join(tmpdir(), 'agentwatch-bench-hostile-'));
  try {
    const ratios = await measureHostileInput(rounds, dir);
    return ratios.map(
      (r) =>
        `| ${r.measure} (median of ${rounds}) | **${r.ratio < 0.1 ? r.ratio.toFixed(3) : r.ratio.toFixed(2)}** (${fmt(r.subjectMs)} vs ${fmt(r.baselineMs)}) | < ${r.below}, ${r.note} (${r.ratio < r.below ? 'meets' : 'MISSES'}) |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const rows = await hostileInputRows(Number(values.rounds));
  process.stdout.write(['| measure | result | target |', '|---|---|---|', ...rows, ''].join('\n'));
}
