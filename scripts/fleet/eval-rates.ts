import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/config-schema.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { formatDelay } from '../../src/evaluation/detection-delay.js';
import { type AlertLike, coldStartLine, evaluateAlerts, type Evaluation, type KindScore, type Label } from '../../src/evaluation/evaluate-alerts.js';
import { expandSweep } from '../../src/evaluation/sweep-settings.js';
import { replay } from '../../src/pipeline/replay.js';
import { RATE_KINDS } from './types.js';
import { writeFleet } from './writer.js';

const USAGE = `Recall, detection delay and false incidents of the rate detectors on generated fleets.

Usage: npm run eval:rates -- [options]

Per seed: a fleet with quiet agents and only the rate kinds (burst and rise, labelled
rate_spike; silence, labelled rate_drop), replayed in-process through the engine, scored like
\`agentwatch eval\` per kind (and per kind on quiet / busy agents), then pooled over the seeds.

  --seeds a,b,...      fleet seeds (default 11,12,13)
  --agents N           agents per fleet (default 60)
  --days N             days per fleet (default 28; the first 8 are learning, no anomaly)
  --scale X            event-rate multiplier of the busy agents (default 1)
  --quiet-share X      share of quiet agents, 0.1-0.6 events/min (default 0.3)
  --anomaly-rate X     anomalies per kind multiplier (default 3: ~13 per kind per seed)
  --grace-minutes N    as agentwatch eval (default 15)
  --config FILE        engine configuration (default: the built-in one)
  --set key=value      one config override, repeatable (e.g. engine.rateSpike.minCount=5)
  --out FILE           also write everything as JSON
  --keep DIR           keep each seed's fleet and alerts in DIR/seed-N (default: temporary)

Fast loop for one seed: npm run eval:rates -- --seeds 11 --agents 30 --days 21`;

const DAY_MS = 86_400_000;

interface SeedResult {
  seed: number;
  events: number;
  agents: number;
  weeks: number;
  labels: Label[];
  alerts: AlertLike[];
  generateSeconds: number;
  replaySeconds: number;
}

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** Labels re-kinded as `burst/quiet`, `burst/busy`…: the same scoring split by the agent's rate. */
function byAgentRate(labels: readonly Label[]): Label[] {
  return labels.map((l) => ({ ...l, kind: `${l.kind ?? l.detector}/${String((l as { details?: Record<string, unknown> }).details?.['agentRate'] ?? '?')}` }));
}

async function runSeed(seed: number, o: Options, config: Config): Promise<SeedResult> {
  const dir = o.keep ? join(o.keep, `seed-${seed}`) : mkdtempSync(join(tmpdir(), 'aw-eval-rates-'));
  try {
    const fleet = await writeFleet(
      { seed, agents: o.agents, days: o.days, scale: o.scale, quietShare: o.quietShare, kinds: [...RATE_KINDS], anomalyRate: o.anomalyRate },
      dir,
    );
    const { baselines } = loadBaselinesDir(join(dir, 'baselines'));
    const alerts: Alert[] = [];
    const started = performance.now();
    await replay({ files: [fleet.eventsFile], config, baselines, sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }] });
    const replaySeconds = (performance.now() - started) / 1000;
    if (o.keep) writeFileSync(join(dir, 'alerts.jsonl'), alerts.map((a) => JSON.stringify(a)).join('\n') + (alerts.length ? '\n' : ''));
    const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Label);
    const opening = alerts
      .filter((a) => a.status === undefined || a.status === 'open')
      .map((a) => ({
        id: a.id,
        agentId: a.agentId,
        detector: a.detector,
        time: a.time,
        ...(a.baseline?.learning === true && { baseline: { learning: true } }),
      }));
    return { seed, events: fleet.events, agents: fleet.agents, weeks: o.days / 7, labels, alerts: opening, generateSeconds: fleet.seconds, replaySeconds };
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
}

interface Options {
  seeds: number[];
  agents: number;
  days: number;
  scale: number;
  quietShare: number;
  anomalyRate: number;
  graceMinutes: number;
  keep: string | undefined;
}

interface Scored {
  byKind: KindScore[];
  byAgentRate: KindScore[];
  falsePerAgentWeek: Record<string, number>;
  falseAlerts: Record<string, number>;
  /** Cold-start inventory alerts (agents still learning, matching no label): not false incidents. */
  coldStart: number;
}

function score(alerts: readonly AlertLike[], labels: readonly Label[], agents: number, weeks: number, graceMs: number): Scored {
  const opts = { graceMs, agents, spanMs: weeks * 7 * DAY_MS };
  const e: Evaluation = evaluateAlerts(alerts, labels, opts);
  const split = evaluateAlerts(alerts, byAgentRate(labels), opts);
  const falsePerAgentWeek: Record<string, number> = { all: e.falseAlertsPerAgentWeek };
  const falseAlerts: Record<string, number> = { all: e.falseAlerts.length };
  for (const d of e.byDetector) {
    falsePerAgentWeek[d.detector] = d.falseAlertsPerAgentWeek;
    falseAlerts[d.detector] = d.falseAlerts;
  }
  return { byKind: e.byKind, byAgentRate: split.byKind, falsePerAgentWeek, falseAlerts, coldStart: e.coldStartAlerts.length };
}

/** Seeds' agent ids may repeat (same classes): pooled, each seed's agents are its own. */
function pool(results: readonly SeedResult[]): { labels: Label[]; alerts: AlertLike[]; agents: number; weeks: number } {
  return {
    labels: results.flatMap((r) => r.labels.map((l) => ({ ...l, id: `${r.seed}/${l.id}`, agentId: `${r.seed}/${l.agentId}` }))),
    alerts: results.flatMap((r) => r.alerts.map((a) => ({ ...a, agentId: `${r.seed}/${a.agentId}` }))),
    agents: results.reduce((n, r) => n + r.agents, 0),
    weeks: results[0]?.weeks ?? 0,
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

const kindRow = (name: string, where: string, k: KindScore | undefined): string[] => [
  name,
  where,
  String(k?.labels ?? 0),
  String(k?.detected ?? 0),
  k && k.labels ? `${Math.round(k.recall * 100)} %` : '-',
  formatDelay(k?.medianDelaySeconds ?? null),
  formatDelay(k?.p90DelaySeconds ?? null),
  k ? String(k.falseAlertsPerAgentWeek) : '-',
];

function report(o: Options, seeds: { seed: number; scored: Scored }[], pooled: Scored): string {
  const kinds = [...RATE_KINDS] as string[];
  const rows: string[][] = [];
  for (const kind of kinds) {
    for (const s of seeds)
      rows.push(
        kindRow(
          kind,
          String(s.seed),
          s.scored.byKind.find((k) => k.kind === kind),
        ),
      );
    if (seeds.length > 1)
      rows.push(
        kindRow(
          kind,
          'pooled',
          pooled.byKind.find((k) => k.kind === kind),
        ),
      );
    for (const rate of ['quiet', 'busy'])
      rows.push(
        kindRow(
          `${kind}/${rate}`,
          seeds.length > 1 ? 'pooled' : String(seeds[0]?.seed),
          pooled.byAgentRate.find((k) => k.kind === `${kind}/${rate}`),
        ),
      );
  }
  const detectors = ['rate_spike', 'rate_drop', 'all'];
  const falseRows = detectors.map((d) => [
    d,
    ...seeds.map((s) => `${s.scored.falsePerAgentWeek[d] ?? 0} (${s.scored.falseAlerts[d] ?? 0})`),
    ...(seeds.length > 1 ? [`${pooled.falsePerAgentWeek[d] ?? 0} (${pooled.falseAlerts[d] ?? 0})`] : []),
  ]);
  return [
    table(['kind', 'seed', 'anomalies', 'caught', 'recall', 'median delay', 'p90 delay', 'false/agent-week'], rows),
    "false/agent-week: false incidents (opening alerts matching no label) of the kind's detector per agent per week.",
    '',
    'False incidents per agent-week (count):',
    table(['detector', ...seeds.map((s) => `seed ${s.seed}`), ...(seeds.length > 1 ? ['pooled'] : [])], falseRows),
    `(${o.agents} agents × ${(o.days / 7).toFixed(2)} weeks per seed; "all" includes every detector's false incidents, not only the rate detectors')`,
    coldStartLine(seeds.reduce((n, s) => n + s.scored.coldStart, 0)),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      agents: { type: 'string' },
      days: { type: 'string' },
      scale: { type: 'string' },
      'quiet-share': { type: 'string' },
      'anomaly-rate': { type: 'string' },
      'grace-minutes': { type: 'string' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      keep: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seeds = (values.seeds ?? '11,12,13')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => num(s, 'seeds', 0));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new RangeError('--seeds: integers, comma-separated');
  const o: Options = {
    seeds,
    agents: num(values.agents, 'agents', 60),
    days: num(values.days, 'days', 28),
    scale: num(values.scale, 'scale', 1),
    quietShare: num(values['quiet-share'], 'quiet-share', 0.3),
    anomalyRate: num(values['anomaly-rate'], 'anomaly-rate', 3),
    graceMinutes: num(values['grace-minutes'], 'grace-minutes', 15),
    keep: values.keep,
  };
  if (o.days <= 8) throw new RangeError('--days must be above 8 (the learning days)');
  let config = loadConfig(values.config, {}).config;
  if (values.set?.length) {
    const settings = expandSweep(config, values.set);
    if (settings.length !== 1) throw new RangeError('--set takes one value per key here (agentwatch tune sweeps several)');
    config = (settings[0] as { config: Config }).config;
  }
  console.error(
    `eval:rates: ${seeds.length} seed(s) × ${o.agents} agents × ${o.days} days, scale ${o.scale}, quiet share ${o.quietShare}, anomaly rate ${o.anomalyRate}; kinds ${RATE_KINDS.join(', ')}${values.set?.length ? `; ${values.set.join(' ')}` : ''}`,
  );
  const started = performance.now();
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    const r = await runSeed(seed, o, config);
    results.push(r);
    console.error(
      `seed ${seed}: ${r.events.toLocaleString('en-US')} events, ${r.labels.length} labels, ${r.alerts.length} opening alerts; generated in ${r.generateSeconds.toFixed(1)} s, replayed in ${r.replaySeconds.toFixed(1)} s`,
    );
  }
  const graceMs = o.graceMinutes * 60_000;
  const perSeed = results.map((r) => ({ seed: r.seed, scored: score(r.alerts, r.labels, r.agents, r.weeks, graceMs) }));
  const p = pool(results);
  const pooled = score(p.alerts, p.labels, p.agents, p.weeks, graceMs);
  console.log(report(o, perSeed, pooled));
  const seconds = (performance.now() - started) / 1000;
  console.error(`done in ${seconds.toFixed(0)} s`);
  if (values.out) {
    const json = {
      options: { ...o, config: values.config ?? null, set: values.set ?? [], kinds: RATE_KINDS },
      seeds: results.map((r, i) => ({
        seed: r.seed,
        events: r.events,
        agents: r.agents,
        weeks: r.weeks,
        labels: r.labels.length,
        openingAlerts: r.alerts.length,
        generateSeconds: r.generateSeconds,
        replaySeconds: r.replaySeconds,
        ...perSeed[i]?.scored,
      })),
      pooled: { agents: p.agents, weeks: p.weeks, labels: p.labels.length, openingAlerts: p.alerts.length, ...pooled },
      seconds,
    };
    writeFileSync(values.out, `${JSON.stringify(json, null, 2)}\n`);
    console.error(`wrote ${values.out}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
