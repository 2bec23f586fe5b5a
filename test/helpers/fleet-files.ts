import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet, type FleetOptions, type Label } from '../../scripts/fleet/generate-fleet.js';

export interface FleetFiles {
  dir: string;
  events: string;
  baselines: string;
  labels: string;
  labelList: Label[];
  lines: string[];
}

/**
 * A small generated fleet on disk, as a user would have it: events.jsonl, labels.jsonl and a
 * baselines/ folder. The default (8 agents, 12 days, a tenth of the rate) is ~48 k events with
 * one labelled anomaly of each kind after the learning period, late events included.
 */
export function writeSmallFleet(options: Partial<FleetOptions> = {}): FleetFiles {
  const fleet = createFleet({ seed: 5, agents: 8, days: 12, scale: 0.1, anomalyRate: 4, ...options });
  const lines = [...fleet.lines()];
  const dir = mkdtempSync(join(tmpdir(), 'aw-fleet-'));
  const events = join(dir, 'events.jsonl');
  writeFileSync(events, `${lines.join('\n')}\n`);
  const labelList = fleet.labels();
  const labels = join(dir, 'labels.jsonl');
  writeFileSync(labels, `${labelList.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const baselines = join(dir, 'baselines');
  mkdirSync(baselines);
  writeFileSync(join(baselines, 'fleet.yaml'), fleet.baselinesYaml());
  return { dir, events, baselines, labels, labelList, lines };
}
