import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { cli } from '../helpers/cli.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2);
/** Split after 9 days: past the 8-day learning period, before most of the injected anomalies. */
const CUT = START + 9 * DAY;

const readAlerts = (file: string): Alert[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);
/** What identifies a message: the incident, who, which detector, when, and where it stands in its episode. */
const key = (a: Alert) => `${a.id} ${a.detector} ${a.agentId} ${a.time} ${a.status ?? 'open'}#${a.episode?.revision ?? 0}`;

describe('replay --save-state / --state (warm start)', { timeout: 180_000 }, () => {
  let dir = '';
  let full: Alert[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-warm-'));
    // Some events up to 45 s late, as in real logs: each half is reordered on its own.
    const fleet = createFleet({ seed: 5, agents: 8, days: 16, scale: 0.1, anomalyRate: 4, lateFraction: 0.01, veryLateFraction: 0 });
    const lines = [...fleet.lines()];
    mkdirSync(join(dir, 'baselines'));
    writeFileSync(join(dir, 'baselines', 'fleet.yaml'), fleet.baselinesYaml());
    const time = (l: string) => Date.parse((JSON.parse(l) as { time: string }).time);
    writeFileSync(join(dir, 'all.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'first.jsonl'), `${lines.filter((l) => time(l) < CUT).join('\n')}\n`);
    writeFileSync(join(dir, 'second.jsonl'), `${lines.filter((l) => time(l) >= CUT).join('\n')}\n`);
    const r = await cli(['replay', join(dir, 'all.jsonl'), '--baselines', join(dir, 'baselines'), '--output', join(dir, 'full.jsonl')]);
    expect(r.status, r.stderr).toBe(0);
    full = readAlerts(join(dir, 'full.jsonl'));
  });

  it('a replay continued from a saved state raises over the second half exactly what one replay of both halves raises', async () => {
    const state = join(dir, 'first.state.json.gz');
    const a = await cli([
      'replay',
      join(dir, 'first.jsonl'),
      '--baselines',
      join(dir, 'baselines'),
      '--output',
      join(dir, 'first-alerts.jsonl'),
      '--save-state',
      state,
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/State: 8 agents saved to .*first\.state\.json\.gz/);
    const envelope = JSON.parse(gunzipSync(readFileSync(state)).toString('utf8'));
    expect(envelope).toMatchObject({
      format: 'agentwatch-state',
      formatVersion: 1,
      agentwatchVersion: '0.1.0',
      agents: 8,
      createdFrom: [join(dir, 'first.jsonl')],
      configFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(envelope.firstEventTime.slice(0, 10)).toBe('2026-03-02');
    expect(Date.parse(envelope.lastEventTime)).toBeLessThan(CUT);
    expect(envelope.engine.agents).toHaveLength(8);

    const b = await cli([
      'replay',
      join(dir, 'second.jsonl'),
      '--baselines',
      join(dir, 'baselines'),
      '--output',
      join(dir, 'second-alerts.jsonl'),
      '--state',
      state,
      '--save-state',
      join(dir, 'both.state.json'),
    ]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/Warm start: 8 agents from /);
    expect(b.stderr).not.toMatch(/warning/);
    const warm = readAlerts(join(dir, 'second-alerts.jsonl'));
    const expected = full.filter((x) => Date.parse(x.time) >= CUT);
    // The incidents opened in the second half (not just updates of older ones), the learned detectors among them.
    const opening = expected.filter((x) => x.status === 'open');
    expect(opening.length).toBeGreaterThanOrEqual(5);
    expect(new Set(opening.map((x) => x.detector)).size).toBeGreaterThanOrEqual(3);
    expect(warm.map(key)).toEqual(expected.map(key));
    // The chained state knows both files, in order, and the whole period.
    const both = JSON.parse(readFileSync(join(dir, 'both.state.json'), 'utf8'));
    expect(both.createdFrom).toEqual([join(dir, 'first.jsonl'), join(dir, 'second.jsonl')]);
    expect(both.firstEventTime).toBe(envelope.firstEventTime);
    expect(Date.parse(both.lastEventTime)).toBeGreaterThanOrEqual(START + 15 * DAY);
  });

  it('without the state, the second half alone learns from scratch and misses what the warm start catches', async () => {
    const r = await cli(['replay', join(dir, 'second.jsonl'), '--baselines', join(dir, 'baselines'), '--output', join(dir, 'cold.jsonl')]);
    expect(r.status, r.stderr).toBe(0);
    const cold = new Set(
      readAlerts(join(dir, 'cold.jsonl'))
        .filter((a) => a.status === 'open')
        .map((a) => a.id),
    );
    const warmOpening = full.filter((x) => Date.parse(x.time) >= CUT && x.status === 'open' && x.baseline.basis === 'learned');
    expect(warmOpening.length).toBeGreaterThan(0);
    expect(warmOpening.filter((x) => !cold.has(x.id)).length).toBeGreaterThan(0);
  });

  it('warns when the state was learned under other settings, and refuses what is not a state file', async () => {
    const state = join(dir, 'plain.state.json');
    expect((await cli(['replay', join(dir, 'first.jsonl'), '--output', join(dir, 'p.jsonl'), '--save-state', state])).status).toBe(0);
    // Learned without the declared baselines, continued with them.
    const other = await cli(['replay', join(dir, 'second.jsonl'), '--baselines', join(dir, 'baselines'), '--output', join(dir, 'o.jsonl'), '--state', state]);
    expect(other.status, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/warning: .*plain\.state\.json was learned under other engine settings or declared baselines/);

    const notState = await cli(['replay', join(dir, 'second.jsonl'), '--output', join(dir, 'x.jsonl'), '--state', join(dir, 'full.jsonl')]);
    expect(notState.status).toBe(2);
    expect(notState.stderr).toMatch(/full\.jsonl is not an agentwatch state file.*\[AW_INVALID_SNAPSHOT\]/);

    const future = join(dir, 'future.state.json.gz');
    const doc = JSON.parse(readFileSync(state, 'utf8'));
    writeFileSync(future, gzipSync(JSON.stringify({ ...doc, formatVersion: 7, agentwatchVersion: '9.0.0' })));
    const newer = await cli(['replay', join(dir, 'second.jsonl'), '--output', join(dir, 'y.jsonl'), '--state', future]);
    expect(newer.status).toBe(2);
    expect(newer.stderr).toMatch(
      /format version 7 \(written by agentwatch 9\.0\.0\); this agentwatch \(0\.1\.0\) reads version 1: upgrade agentwatch to read it \[AW_INVALID_SNAPSHOT\]/,
    );

    const missing = await cli(['replay', join(dir, 'second.jsonl'), '--output', join(dir, 'z.jsonl'), '--state', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --state .*nope\.json: no such file or folder \[AW_INPUT_NOT_FOUND\]/);
  });
});
