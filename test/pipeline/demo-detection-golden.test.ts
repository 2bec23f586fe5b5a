// Issue 16, item 5 and issue 18: a change to the engine keeps detection identical (the same
// incidents, ids included, on the demo fleet) unless it says why. The expected list is committed;
// a change that alters detection on purpose rewrites it (AGENTWATCH_UPDATE_GOLDEN=1) and its
// commit message says why, so the difference is reviewed line by line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { replay } from '../../src/pipeline/replay.js';
import { ROOT } from '../helpers/cli.js';

const DEMO = join(ROOT, 'fixtures/demo');
const GOLDEN = join(DEMO, 'expected-incidents.txt');
const events = ['events.jsonl.gz', 'events.jsonl'].map((f) => join(DEMO, f)).find((f) => existsSync(f)) as string;

async function demoIncidents(): Promise<string[]> {
  const alerts: Alert[] = [];
  await replay({
    files: [events],
    config: loadConfig(undefined, {}).config,
    baselines: loadBaselinesDir(join(DEMO, 'baselines')).baselines,
    sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
  });
  return alerts.filter((a) => a.status === undefined || a.status === 'open').map((a) => `${a.time} ${a.detector} ${a.agentId} ${a.severity} ${a.id}`);
}

describe('detection on the demo fleet', () => {
  it('raises exactly the committed incidents (rewrite with AGENTWATCH_UPDATE_GOLDEN=1 and say why in the commit)', async () => {
    const incidents = await demoIncidents();
    expect(incidents.length).toBeGreaterThan(10);
    if (process.env['AGENTWATCH_UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, `${incidents.join('\n')}\n`);
    const expected = readFileSync(GOLDEN, 'utf8').trimEnd().split('\n');
    expect(incidents).toEqual(expected);
  });
});
