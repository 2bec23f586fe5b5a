import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, ROOT, cli } from '../helpers/cli.js';

const DEMO = join(ROOT, 'fixtures/demo');
const demoEvents = ['events.jsonl.gz', 'events.jsonl'].map((f) => join(DEMO, f)).find((f) => existsSync(f)) as string;

describe('agentwatch replay (end to end, demo fleet)', () => {
  it('writes identical alerts on two runs, catches each labelled kind with the right detector, and summarises', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-'));
    const runs: { r: CliResult; text: string }[] = [];
    for (const i of [1, 2]) {
      const out = join(dir, `alerts-${i}.jsonl`);
      const r = await cli(['replay', demoEvents, '--baselines', join(DEMO, 'baselines'), '--output', out, '--summary-json', join(dir, `summary-${i}.json`)]);
      expect(r.status, r.stderr).toBe(0);
      runs.push({ r, text: readFileSync(out, 'utf8') });
    }
    expect(runs[1]?.text).toBe(runs[0]?.text);
    const alerts = runs[0]!.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(runs[0]?.r.stderr).toMatch(/detector\s+low\s+medium\s+high\s+critical\s+total/);

    // Every alert honours the contract.
    for (const a of alerts) {
      expect(a).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        agentId: expect.any(String),
        severity: expect.stringMatching(/^(low|medium|high|critical)$/),
      });
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(100);
      expect(Date.parse(a.detectedAt)).toBeGreaterThanOrEqual(Date.parse(a.time));
      expect(a.summary.length).toBeGreaterThan(20);
      expect(a.evidence.length).toBeGreaterThan(0);
      expect(a.baseline).toHaveProperty('events');
    }

    // Scored against the demo's labels: each detector of issue 2 finds its anomalies, and
    // false alerts stay rare.
    const ev = await cli(['eval', '--alerts', join(dir, 'alerts-1.jsonl'), '--labels', join(DEMO, 'labels.jsonl'), '--json', '--agents', '12', '--days', '21']);
    expect(ev.status, ev.stderr).toBe(0);
    const evaluation = JSON.parse(ev.stdout) as {
      byDetector: { detector: string; labels: number; detected: number; falseAlerts: number; otherLabel: number }[];
      falseAlertsPerAgentWeek: number;
    };
    const by = Object.fromEntries(evaluation.byDetector.map((d) => [d.detector, d]));
    for (const d of ['rate_spike', 'new_sensitive_resource', 'off_hours']) {
      expect(by[d]?.labels, d).toBeGreaterThan(0);
      expect(by[d]?.detected, d).toBeGreaterThan(0);
    }
    expect(evaluation.falseAlertsPerAgentWeek).toBeLessThan(0.2);
  });

  it('sends every bad line to the rejects file with its line number and reason, and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-rejects-'));
    const input = join(dir, 'events.jsonl');
    const good = (i: number) => JSON.stringify({ id: `e${i}`, time: `2026-03-02T10:00:0${i}Z`, agentId: 'a', category: 'api_call', action: 'x' });
    writeFileSync(
      input,
      [
        good(1),
        '{oops',
        good(2),
        JSON.stringify({ id: 'e3', time: 'soon', agentId: 'a', category: 'api_call', action: 'x' }),
        '',
        'x'.repeat(70_000),
        good(3),
      ].join('\n'),
    );
    const out = join(dir, 'alerts.jsonl');
    const r = await cli(['replay', input, '--output', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Replayed 3 events/);
    expect(r.stderr).toMatch(/Rejected: 3 \(not_json: 2, schema: 1\)|Rejected: 3 \(not_json: 1, schema: 1, too_large: 1\)/);
    const rejects = readFileSync(join(dir, 'alerts.rejects.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'not_json'],
      [4, 'schema'],
      [6, 'too_large'],
    ]);
    expect(rejects[1].error).toMatch(/^\/time/);
    expect(rejects[2].raw.length).toBeLessThanOrEqual(2048);
  });

  it('explains a bad config or baselines folder and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-badcfg-'));
    writeFileSync(join(dir, 'c.yaml'), 'engine:\n  cooldownMs: -5\n');
    const r = await cli(['replay', join(DEMO, 'labels.jsonl'), '--output', join(dir, 'a.jsonl'), '--config', join(dir, 'c.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/c\.yaml:2 at \/engine\/cooldownMs: must be >= 0 \(A new trigger .*\) \[AW_INVALID_CONFIG\]/);
    const missing = await cli(['replay', join(dir, 'nope.jsonl'), '--output', join(dir, 'a.jsonl')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read input .*nope\.jsonl/);
  });

  it('has --help with an example for every command', async () => {
    for (const cmd of ['replay', 'demo', 'eval']) {
      const r = await cli([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Example:\n {2}(agentwatch|npm start)/);
    }
  });
});
