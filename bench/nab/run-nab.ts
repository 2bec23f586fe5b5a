/**
 * `npm run bench:nab`: the Numenta Anomaly Benchmark through agentwatch's rate detectors. Each
 * NAB series becomes one agent's events (nab-events.ts), runs through its own Engine
 * (nab-feed.ts), and its rate_spike / rate_drop detections are scored by NAB's rules
 * (nab-scorer.ts) beside the published scoreboard (labels/final_results.json).
 *   --out FILE          also write the results as JSON
 *   --only TEXT         only series whose key contains TEXT (scores then cover those files only)
 *   --rate N            mean events per minute of a non-count series (default 10)
 *   --max-events N      most events per series (default 2000000)
 *   --settings JSON     extra engine settings overrides, e.g. '{"bucketMs":300000}'
 * The dataset is read in place from $NAB_DIR, else nab/ under the datasets folder (see defaultNabDir).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSeries } from './nab-feed.js';
import { DEFAULT_SCALE, defaultNabDir, listNabSeries, planSeries, readNabSeries, windowRows } from './nab-events.js';
import { type CostMatrix, type CorpusScore, type ScoredFile, scoreCorpus } from './nab-scorer.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    only: { type: 'string' },
    rate: { type: 'string', default: String(DEFAULT_SCALE.ratePerMinute) },
    'max-events': { type: 'string', default: String(DEFAULT_SCALE.maxEvents) },
    settings: { type: 'string', default: '{}' },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);
const out = (s: string) => process.stdout.write(`${s}\n`);

const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
/** Published detectors shown beside ours (final_results.json keys), strongest first. */
const SCOREBOARD = ['numenta', 'ARTime', 'contextOSE', 'randomCutForest', 'twitterADVec', 'windowedGaussian', 'skyline', 'random', 'null'];

const dir = defaultNabDir();
if (!existsSync(join(dir, 'labels', 'combined_windows.json')) || !existsSync(join(dir, 'data'))) {
  log(`NAB dataset not found at ${dir}.`);
  log('Get it from https://github.com/numenta/NAB (its data/ folder, and labels/combined_windows.json,');
  log('config/profiles.json as labels/profiles.json, results/final_results.json as labels/final_results.json),');
  log('then set NAB_DIR to that folder. Skipping the NAB benchmark.');
  process.exit(0);
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const windows = readJson<Record<string, [string, string][]>>(join(dir, 'labels', 'combined_windows.json'));
const profiles = readJson<Record<string, { CostMatrix: CostMatrix }>>(join(dir, 'labels', 'profiles.json'));
const finalResultsPath = join(dir, 'labels', 'final_results.json');
const published = existsSync(finalResultsPath) ? readJson<Record<string, Record<string, number>>>(finalResultsPath) : {};
const scale = { ratePerMinute: Number(values.rate), maxEvents: Number(values['max-events']) };
const settings = JSON.parse(values.settings) as Record<string, unknown>;

// NAB scores only the files of its label file; a data file without windows there is not part of it.
const keys = listNabSeries(join(dir, 'data')).filter((k) => k in windows && (values.only === undefined || k.includes(values.only)));
const missing = values.only === undefined ? Object.keys(windows).filter((k) => !keys.includes(k)) : [];
if (missing.length > 0) log(`note: ${missing.length} labelled series missing from ${dir}/data: scores are not comparable with the scoreboard`);

interface SeriesResult {
  key: string;
  rows: number;
  windows: number;
  countLike: boolean;
  scale: number;
  offset: number;
  events: number;
  learningDays: number;
  detections: number;
  /** Flagged NAB row indices (file order): enough to re-score with NAB's own code. */
  detectedRows: number[];
  opened: Record<string, number>;
  seconds: number;
}

const started = performance.now();
const files: ScoredFile[] = [];
const perSeries: SeriesResult[] = [];
const opened: Record<string, number> = {};
let events = 0;
for (const key of keys) {
  const t0 = performance.now();
  const rows = readNabSeries(join(dir, 'data'), key);
  const plan = planSeries(rows, scale);
  const run = runSeries(key, rows, plan, settings);
  const wins = windowRows(rows, windows[key] ?? []);
  files.push({ rows: rows.length, windows: wins, detections: run.detectedRows });
  for (const [d, n] of Object.entries(run.opened)) opened[d] = (opened[d] ?? 0) + n;
  events += run.events;
  const seconds = (performance.now() - t0) / 1000;
  perSeries.push({
    key,
    rows: rows.length,
    windows: wins.length,
    countLike: plan.countLike,
    scale: plan.scale,
    offset: plan.offset,
    events: run.events,
    learningDays: Math.round((run.learningPeriodMs / 86_400_000) * 100) / 100,
    detections: run.detectedRows.length,
    detectedRows: run.detectedRows,
    opened: run.opened,
    seconds: Math.round(seconds * 100) / 100,
  });
  log(`  ${key}: ${run.events.toLocaleString('en-US')} events, ${run.detectedRows.length} detected rows, ${wins.length} windows (${seconds.toFixed(1)} s)`);
}
const wallSeconds = (performance.now() - started) / 1000;

const scores: Record<string, CorpusScore> = {};
for (const p of PROFILES) {
  const cost = profiles[p]?.CostMatrix;
  if (cost !== undefined) scores[p] = scoreCorpus(files, cost);
}

const fmt = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
const lines = [
  `| detector | ${PROFILES.join(' | ')} |`,
  `|---|${PROFILES.map(() => '---:').join('|')}|`,
  `| **agentwatch (rate_spike + rate_drop)** | ${PROFILES.map((p) => `**${fmt(scores[p]?.normalized)}**`).join(' | ')} |`,
  ...SCOREBOARD.filter((d) => published[d] !== undefined).map((d) => `| ${d} (published) | ${PROFILES.map((p) => fmt(published[d]?.[p])).join(' | ')} |`),
  `| perfect | ${PROFILES.map(() => '100.0').join(' | ')} |`,
  '',
  `| measure | value |`,
  `|---|---|`,
  `| series / windows | ${keys.length} / ${files.reduce((n, f) => n + f.windows.length, 0)} |`,
  `| windows detected (standard) | ${scores['standard']?.tp ?? 0} TP, ${scores['standard']?.fn ?? 0} FN, ${scores['standard']?.fp ?? 0} FP rows |`,
  ...Object.entries(opened)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([d, n]) => `| opening alerts: ${d} | ${n.toLocaleString('en-US')} |`),
  `| rows detected (scored detectors) | ${files.reduce((n, f) => n + [...f.detections].length, 0).toLocaleString('en-US')} |`,
  `| events fed | ${events.toLocaleString('en-US')} |`,
  `| wall time | ${wallSeconds.toFixed(1)} s |`,
  '',
];
out(lines.join('\n'));

if (values.out !== undefined) {
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    dataset: dir,
    scale,
    settings,
    scores,
    published: Object.fromEntries(SCOREBOARD.filter((d) => published[d] !== undefined).map((d) => [d, published[d]])),
    openedByDetector: opened,
    events,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    series: perSeries,
  };
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${values.out}`);
}
