import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createFleet } from '../fleet/generate-fleet.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/config-schema.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { replay } from '../../src/pipeline/replay.js';

export interface ChaosFleet {
  lines: string[];
  baselinesDir: string;
  /** Opening alert ids of one replay of `lines`: what every live run must raise. */
  reference: Set<string>;
}

/**
 * A generated fleet in event-time order (no late events: live reads in arrival order, replay in
 * time order, and the two agree on in-order input), its declared baselines, and its reference
 * alerts from one replay.
 */
export async function chaosFleet(dir: string, opts: { agents: number; days: number; scale: number; seed?: number }): Promise<ChaosFleet> {
  const fleet = createFleet({
    seed: opts.seed ?? 5,
    agents: opts.agents,
    days: opts.days,
    scale: opts.scale,
    anomalyRate: 4,
    lateFraction: 0,
    veryLateFraction: 0,
  });
  const lines = [...fleet.lines()];
  const baselinesDir = join(dir, 'baselines');
  mkdirSync(baselinesDir, { recursive: true });
  writeFileSync(join(baselinesDir, 'fleet.yaml'), fleet.baselinesYaml());
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const alerts: Alert[] = [];
  const { config } = loadConfig(undefined, {});
  await replay({
    files: [file],
    config,
    baselines: loadBaselinesDir(baselinesDir).baselines,
    sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
  });
  return { lines, baselinesDir, reference: new Set(alerts.filter((a) => a.status === 'open').map((a) => a.id)) };
}

/** A config of its own topics and group on `brokers`, written to `dir/<name>.json`; returns both. */
export function chaosConfig(
  dir: string,
  brokers: string,
  name: string,
  extra: {
    partitions?: number;
    sessionTimeoutMs?: number;
    baselinesDir?: string;
    alerts?: unknown;
    flushIntervalMs?: number;
    retry?: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
  } = {},
): { file: string; config: Config } {
  const id = `${name}-${randomUUID().slice(0, 6)}`;
  const doc = {
    kafka: {
      brokers: [brokers],
      groupId: `aw-chaos-${id}`,
      topics: { input: `in-${id}`, alerts: `alerts-${id}`, deadLetter: `dlq-${id}`, baselines: `baselines-${id}`, feedback: `feedback-${id}` },
      partitions: extra.partitions ?? 3,
      sessionTimeoutMs: extra.sessionTimeoutMs ?? 10_000,
      ...(extra.retry && { retry: extra.retry }),
    },
    run: { flushIntervalMs: extra.flushIntervalMs ?? 1_000, shutdownTimeoutMs: 20_000 },
    telemetry: { port: 0 },
    ...(extra.baselinesDir && { baselinesDir: extra.baselinesDir }),
    ...(extra.alerts !== undefined && { alerts: extra.alerts }),
  };
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return { file, config: loadConfig(file, {}).config };
}
