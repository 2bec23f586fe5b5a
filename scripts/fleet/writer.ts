import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { FleetRun } from './generate-fleet.js';
import type { FleetOptions } from './types.js';

export interface WriteOptions {
  /** Write events.jsonl.gz instead of events.jsonl. */
  gzip?: boolean;
  /** zlib level, 1 (fast) to 9 (small); default 6. */
  gzipLevel?: number;
}

export interface FleetSummary {
  events: number;
  late: number;
  veryLate: number;
  agents: number;
  archetypes: Record<string, number>;
  anomalies: Record<string, number>;
  traps: Record<string, number>;
  eventsFile: string;
  seconds: number;
}

const CHUNK = 1 << 20;

/**
 * Line by line into ~1 MB buffers. Lines are ASCII (the serializer guarantees it), so latin1 is
 * a byte-for-byte copy; holding a day of lines instead would push them into the old generation
 * and make the garbage collector, not the generator, the bottleneck.
 */
async function* chunks(lines: Iterable<string>): AsyncGenerator<Buffer> {
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  for (const line of lines) {
    if (at + line.length + 1 > buf.length) {
      yield buf.subarray(0, at);
      buf = Buffer.allocUnsafe(Math.max(CHUNK, line.length + 1));
      at = 0;
    }
    at += buf.write(line, at, 'latin1');
    buf[at++] = 10;
  }
  if (at) yield buf.subarray(0, at);
}

/**
 * Writes events.jsonl[.gz], labels.jsonl, baselines/fleet.yaml and fleet.json (agents' archetypes
 * and the normal-but-suspicious "traps", for explaining false positives) into outDir.
 */
export async function writeFleet(options: FleetOptions, outDir: string, w: WriteOptions = {}): Promise<FleetSummary> {
  const began = performance.now();
  const run = new FleetRun(options);
  await mkdir(join(outDir, 'baselines'), { recursive: true });
  const eventsFile = join(outDir, w.gzip ? 'events.jsonl.gz' : 'events.jsonl');
  const file = createWriteStream(eventsFile);
  if (w.gzip) await pipeline(chunks(run.lines()), createGzip({ level: w.gzipLevel ?? 6 }), file);
  else await pipeline(chunks(run.lines()), file);
  const labels = run.labels();
  await writeFile(join(outDir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n') + (labels.length ? '\n' : ''));
  await writeFile(join(outDir, 'baselines', 'fleet.yaml'), run.baselinesYaml());
  const o = run.options;
  const fleet = {
    generator: 'scripts/fleet',
    options: {
      seed: o.seed,
      agents: o.agents,
      days: o.days,
      start: o.start,
      scale: o.scale,
      kinds: o.kinds,
      anomalyRate: o.anomalyRate,
      lateFraction: o.lateFraction,
      veryLateFraction: o.veryLateFraction,
      learningDays: o.learningDays,
      ...(o.quietShare > 0 && { quietShare: o.quietShare }),
    },
    agents: run.layout.agents.map((a) => ({
      agentId: a.id,
      agentClass: a.agentClass,
      archetype: a.archetype,
      timezone: a.timezone,
      declared: a.declared,
      regions: a.homeRegions,
      meanRatePerMinute: Number(a.baseRate.toFixed(3)),
      routineSensitive: a.routine.map((r) => r.resource),
      ...(a.quiet && { quiet: true }),
    })),
    traps: run.traps,
  };
  await writeFile(join(outDir, 'fleet.json'), JSON.stringify(fleet, null, 1) + '\n');
  const count = (keys: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of keys) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    ...run.stats,
    agents: run.layout.agents.length,
    archetypes: count(run.layout.agents.map((a) => a.archetype)),
    anomalies: count(labels.map((l) => l.kind)),
    traps: count(run.traps.map((t) => t.kind)),
    eventsFile,
    seconds: (performance.now() - began) / 1000,
  };
}
