import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { describeAgent } from '../../src/inspect/describe-agent.js';
import { saveWarmState } from '../../src/state/warm-start.js';
import { cli } from '../helpers/cli.js';
import { knownFleetEvents } from '../helpers/known-fleet.js';
import { engineWith, run } from '../helpers/traffic.js';

describe('agentwatch inspect', () => {
  let dir = '';
  let state = '';
  const { config } = loadConfig(undefined, {});

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aw-inspect-'));
    const engine = engineWith();
    run(engine, knownFleetEvents());
    state = join(dir, 'fleet.state.json.gz');
    saveWarmState(state, engine.snapshot(), { files: ['known-fleet'] }, config, undefined);
  });

  it('prints what is normal for the agent: learning, rates, the week, resources, permissions, locations, incident, peers', async () => {
    const r = await cli(['inspect', 'bot-1', '--state', state, '--limit', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bot-1 {2}\(class etl\)\n/);
    expect(r.stdout).toMatch(/Learning: done/);
    expect(r.stdout).toMatch(/active minutes {3}p50 (5\.9|6|6\.1) {3}p90 12(\.2)? {3}p99 12(\.2)?/);
    expect(r.stdout).toMatch(/^ {2}Wed {6}( {3}·){9}( 432){8}( {3}·){7}$/m);
    expect(r.stdout).toMatch(/Resources \(4, most recent first\)\n {2}s3:\/\/a .*\n.*\n.*\n {2}… 1 more/);
    expect(r.stdout).toMatch(
      /Permissions \(2, most recent first\)\n {2}storage\.read +first 2026-03-02 09:00 {2}last 2026-03-13 16:00\n {2}kv\.get +first 2026-03-12 11:00 {2}last 2026-03-12 11:00/,
    );
    expect(r.stdout).toMatch(/Locations \(2, most recent first\)\n {2}(country NL|region westeurope) /);
    expect(r.stdout).toMatch(/Open incidents \(1\)\n {2}rate_spike /);
    expect(r.stdout).toMatch(/Peer group etl: bot-2, young/);
    expect(r.stdout).toMatch(/^Grace: none \(no deploy seen, no maintenance window declared\)$/m);
  });

  it('--json gives the same description as describeAgent, with the state it came from', async () => {
    const r = await cli(['inspect', 'young', '--state', state, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.state).toEqual({ file: state, lastEventTime: null });
    expect(out.learning).toMatchObject({ learning: true, eventsNeeded: 30 });
    const engine = engineWith();
    run(engine, knownFleetEvents());
    const expected = describeAgent(
      engine.snapshot().agents.find((a) => a.agentId === 'young')!,
      config.engine,
      { fleet: engine.snapshot().agents },
    );
    expect({ ...out, state: undefined }).toEqual({ ...JSON.parse(JSON.stringify(expected)), state: undefined });
  });

  it('--hour shows the scan windows of rate_spike in that local hour: expected count and the count that alerts (issue 14)', async () => {
    const day = await cli(['inspect', 'bot-1', '--state', state, '--hour', 'Wed 12']);
    expect(day.status, day.stderr).toBe(0);
    const [, perMinute] = /^Scan windows for Wed 12:00–13:00 UTC: about ([\d.]+)\/min expected, dispersion [\d.]+$/m.exec(day.stdout) ?? [];
    expect(Number(perMinute)).toBeCloseTo(7.2, 0);
    const [, expected5, alert5] = /^ {2}last 5 min +expected +([\d.]+) +alert at (\d+) calls$/m.exec(day.stdout) ?? [];
    const [, expected15, alert15] = /^ {2}last 15 min +expected +([\d.]+) +alert at (\d+) calls$/m.exec(day.stdout) ?? [];
    expect(Number(expected5)).toBeCloseTo(36, -1);
    expect(Number(expected15)).toBeCloseTo(3 * Number(expected5), 0);
    expect(Number(alert5)).toBeGreaterThan(Number(expected5));
    expect(Number(alert15)).toBeGreaterThan(Number(alert5));
    expect(day.stdout).toMatch(/^ {2}sustained rise {3}CUSUM tuned to 2× the expectation, fires at 12 /m);
    // At night the expectation has a floor (half the agent's mean), so a night window alerts at fewer calls.
    const night = await cli(['inspect', 'bot-1', '--state', state, '--hour', 'wed 3', '--json']);
    const windows = JSON.parse(night.stdout).rateWindows as { hour: string; windows: { window: string; expected: number; alertAt: number }[] };
    expect(windows.hour).toBe('Wed 03:00–04:00 UTC');
    expect(windows.windows.map((w) => w.window)).toEqual(['5 min', '15 min']);
    expect(windows.windows[0]!.expected).toBeGreaterThan(0);
    expect(windows.windows[0]!.alertAt).toBeLessThan(Number(alert5));
    const bad = await cli(['inspect', 'bot-1', '--state', state, '--hour', 'Wednesday noon']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--hour "Wednesday noon": a local day and hour, e\.g\. "Tue 14"/);
  });

  it('names close matches for an unknown agent, and refuses a file that is not a state', async () => {
    const r = await cli(['inspect', 'bot1', '--state', state]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/agent bot1 is not in .*fleet\.state\.json\.gz \(3 agents\); did you mean bot-1, bot-2\? \[AW_INPUT_NOT_FOUND\]/);
    const bad = join(dir, 'alerts.jsonl');
    writeFileSync(bad, '{"id":"x","agentId":"a","detector":"rate_spike"}\n');
    const notState = await cli(['inspect', 'bot-1', '--state', bad]);
    expect(notState.status).toBe(2);
    expect(notState.stderr).toMatch(/alerts\.jsonl is not an agentwatch state file \(it looks like an alert\)/);
    const help = await cli(['inspect', '--help']);
    expect(help.stdout).toMatch(/Example:\n {2}agentwatch inspect /);
  });
});
