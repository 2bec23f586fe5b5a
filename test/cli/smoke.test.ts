// One spawned run per command, as a user starts it (node + tsx + src/cli/agentwatch.ts): the entry
// point, its exit code and its output streams. Everything else about the commands is tested
// in-process through main(argv) (test/helpers/cli.ts `cli()`), seconds faster per call. The
// Kafka commands stop at a checked option here, before any broker is needed; they run against
// the broker in test/integration (`run` spawned there too).
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAlert } from '../helpers/alert-fixture.js';
import { ROOT, cli } from '../helpers/cli.js';
import { type FleetFiles, writeSmallFleet } from '../helpers/fleet-files.js';

function spawnCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/agentwatch.ts', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

let fleet: FleetFiles;
const f = (name: string) => join(fleet.dir, name);

beforeAll(async () => {
  fleet = writeSmallFleet({ agents: 3, days: 4 });
  // inspect and report read a replay's state and alerts; made in-process, they are not under test here.
  const r = await cli([
    'replay',
    fleet.events,
    '--baselines',
    fleet.baselines,
    '--output',
    f('alerts.jsonl'),
    '--save-state',
    f('state.json'),
    '--no-progress',
  ]);
  expect(r.status, r.stderr).toBe(0);
});

afterAll(() => rmSync(fleet.dir, { recursive: true, force: true }));

// tsx caches what it compiles in os.tmpdir(), a fresh folder each test run: one start fills the
// cache, so that the concurrent ones below do not all compile the same sources at once.
beforeAll(async () => {
  expect((await spawnCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

// Concurrent: each case is mostly a tsx start, and the starts overlap well even on two cores.
describe.concurrent('agentwatch, spawned: one smoke test per command', { timeout: 120_000 }, () => {
  it('replay: alerts to stdout with --output -, the summary on stderr', async () => {
    const r = await spawnCli(['replay', fleet.events, '--baselines', fleet.baselines, '--output', '-', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Replayed [\d,]+ events from 1 file/m);
    for (const line of r.stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('detector');
  });

  it('demo (npm start): incidents, a summary and a score', async () => {
    const r = await spawnCli(['demo']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^detector +anomalies +caught/m);
  });

  it('eval: scores alerts against labels', async () => {
    const r = await spawnCli(['eval', '--alerts', f('alerts.jsonl'), '--labels', fleet.labels, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
  });

  it('report: writes the HTML report', async () => {
    const r = await spawnCli(['report', f('alerts.jsonl'), '--out', f('report.html')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(f('report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('inspect: describes an agent from a saved state', async () => {
    const agent = String((JSON.parse(fleet.lines[0] as string) as { agentId: string }).agentId);
    const r = await spawnCli(['inspect', agent, '--state', f('state.json'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ agentId: agent });
  });

  it('tune: one row per setting', async () => {
    const r = await spawnCli(['tune', fleet.events, '--baselines', fleet.baselines, '--set', 'engine.rateSpike.minCount=5,20', '--jobs', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('engine.rateSpike.minCount');
  });

  it('diff: compares two baselines folders', async () => {
    const r = await spawnCli(['diff', fleet.events, '--baselines', fleet.baselines, '--baselines', fleet.baselines, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
  });

  it('feedback: a verdict line with --file -', async () => {
    const r = await spawnCli(['feedback', testAlert(1).id, '--normal', '--by', 'smoke', '--file', '-']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ alertId: testAlert(1).id, verdict: 'normal' });
  });

  it.each([
    ['run', ['run', '--format', 'syslog'], /syslog/],
    ['produce', ['produce', 'x.jsonl', '--rate', '0'], /--rate.*positive number/],
    ['tail', ['tail', '--count', '0'], /--count "0"/],
  ])('%s: a checked option refused in one line, a non-zero exit, before any broker is contacted', async (_name, args, says) => {
    const r = await spawnCli(args);
    expect(r.stderr).toMatch(new RegExp(`^agentwatch: .*${says.source}`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.status).not.toBe(0);
  });
});
