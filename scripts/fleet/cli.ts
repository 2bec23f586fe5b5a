import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeFleet } from './writer.js';
import { ALL_KINDS, ANOMALY_KINDS, type AnomalyKind, CHANGE_KINDS, RATE_KINDS } from './types.js';

const USAGE = `Generate a synthetic fleet of agent audit events with labelled anomalies.

Usage: npx tsx scripts/fleet/cli.ts --out DIR [options]

  --seed N            PRNG seed (default 42); same seed, same bytes
  --agents N          number of agents (default 40)
  --days N            length of the period (default 28)
  --start YYYY-MM-DD  first day, UTC midnight (default 2026-03-02)
  --scale X           event-rate multiplier (default 1)
  --kinds a,b,...     anomaly kinds (default ${ANOMALY_KINDS.join(',')});
                      also ${RATE_KINDS.join(',')} (rate changes, labelled rate_spike / rate_drop)
                      and ${CHANGE_KINDS.join(',')} (a deploy, then a new traffic shape; labelled none)
  --anomaly-rate X    multiplier on anomalies per kind (default 1)
  --late-fraction X   events written 1–45 s late (default 0.01)
  --learning-days N   no anomaly before this day (default 8)
  --quiet-share X     share of agents made quiet, 0.1-0.6 events/min while active (default 0)
  --gzip              write events.jsonl.gz
  --gzip-level N      1–9 (default 6)

Example: npx tsx scripts/fleet/cli.ts --seed 42 --agents 40 --days 28 --start 2026-03-02 --out /tmp/fleet --gzip
Rate kinds: npx tsx scripts/fleet/cli.ts --seed 11 --agents 60 --kinds burst,rise,silence --quiet-share 0.3 --out /tmp/rates`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      agents: { type: 'string' },
      days: { type: 'string' },
      start: { type: 'string' },
      scale: { type: 'string' },
      kinds: { type: 'string' },
      'anomaly-rate': { type: 'string' },
      'late-fraction': { type: 'string' },
      'learning-days': { type: 'string' },
      'quiet-share': { type: 'string' },
      out: { type: 'string' },
      gzip: { type: 'boolean' },
      'gzip-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const kinds = values.kinds
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds ?? []) if (!ALL_KINDS.includes(k as AnomalyKind)) throw new RangeError(`unknown kind "${k}"; known: ${ALL_KINDS.join(', ')}`);
  const s = await writeFleet(
    {
      seed: num(values.seed, 'seed') ?? 42,
      agents: num(values.agents, 'agents'),
      days: num(values.days, 'days'),
      start: values.start,
      scale: num(values.scale, 'scale'),
      kinds: kinds as AnomalyKind[] | undefined,
      anomalyRate: num(values['anomaly-rate'], 'anomaly-rate'),
      lateFraction: num(values['late-fraction'], 'late-fraction'),
      learningDays: num(values['learning-days'], 'learning-days'),
      quietShare: num(values['quiet-share'], 'quiet-share'),
    },
    values.out,
    { gzip: values.gzip ?? false, gzipLevel: num(values['gzip-level'], 'gzip-level') },
  );
  const mb = (statSync(s.eventsFile).size / 1e6).toFixed(1);
  const list = (r: Record<string, number>): string =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  console.log(`events     ${s.events.toLocaleString('en-US')} (${s.late} late by seconds, ${s.veryLate} by minutes) -> ${s.eventsFile} (${mb} MB)`);
  console.log(`agents     ${s.agents}: ${list(s.archetypes)}`);
  console.log(`anomalies  ${Object.values(s.anomalies).reduce((a, b) => a + b, 0)}: ${list(s.anomalies)}`);
  console.log(`traps      ${list(s.traps)}`);
  console.log(`time       ${s.seconds.toFixed(1)} s (${Math.round(s.events / s.seconds).toLocaleString('en-US')} events/s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
