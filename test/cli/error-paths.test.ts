// Every command's ordinary mistakes, walked in-process through main(argv): each is one line on
// stderr starting with `agentwatch:`, a non-zero exit, no stack trace, and no work done first
// (no alerts written, no replay summary, no broker contacted).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { testAlert } from '../helpers/alert-fixture.js';

let dir: string;
const f = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aw-errors-'));
  const event = (i: number) =>
    JSON.stringify({ id: `e${i}`, time: `2026-03-02T10:00:0${i}Z`, agentId: 'agent:a', category: 'api_call', action: 'storage.blob.read' });
  writeFileSync(f('events.jsonl'), `${[1, 2, 3].map(event).join('\n')}\n`);
  writeFileSync(f('alerts.jsonl'), `${JSON.stringify(testAlert(1))}\n`);
  writeFileSync(
    f('labels.jsonl'),
    `${JSON.stringify({ id: 'l1', detector: 'rate_spike', agentId: 'agent:a', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' })}\n`,
  );
  writeFileSync(f('a-file'), 'not a folder\n');
  mkdirSync(f('folder'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => vi.restoreAllMocks());

async function run(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  try {
    const code = await main(['node', 'agentwatch', ...args.map((a) => a.replaceAll('$DIR', dir))]);
    return { code, stderr, stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

/** The mistakes, by command: arguments, and what the one line must say. */
const CASES: Record<string, [args: string[], says: RegExp][]> = {
  agentwatch: [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/out.jsonl', '--bogus'], /unknown option '--bogus'/],
  ],
  replay: [
    [['replay', '$DIR/events.jsonl'], /required option '-o, --output <alerts\.jsonl>' not specified/],
    [['replay', '$DIR/nope.jsonl', '-o', '$DIR/out.jsonl'], /cannot read input file .*nope\.jsonl: no such file or folder \[AW_INPUT_NOT_FOUND\]/],
    [['replay', '$DIR/folder', '-o', '$DIR/out.jsonl'], /input file .*folder is a folder; name the files in it/],
    [['replay', '$DIR/alerts.jsonl', '-o', '$DIR/out.jsonl'], /input file .*alerts\.jsonl holds alerts .*, not audit events \[AW_INVALID_INPUT\]/],
    [['replay', '$DIR/labels.jsonl', '-o', '$DIR/out.jsonl'], /holds labelled anomalies .*, not audit events/],
    [
      ['replay', '$DIR/events.jsonl', '-o', '$DIR/folder'],
      /--output .*folder: is a folder; name a file in it \(e\.g\. .*folder\/alerts\.jsonl\) \[AW_FILE_WRITE\]/,
    ],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/a-file/alerts.jsonl'], /--output .*: .*a-file is a file, not a folder/],
    [
      ['replay', '$DIR/events.jsonl', '-o', '/proc/nope/x.jsonl'],
      /--output \/proc\/nope\/x\.jsonl: cannot create its folder \/proc\/nope: no such file or folder/,
    ],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/out.jsonl', '--save-state', '-'], /--save-state needs a file name/],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/out.jsonl', '--config', '$DIR/nope.yaml'], /cannot read config file .*nope\.yaml.* \[AW_INVALID_CONFIG\]/],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/out.jsonl', '--state', '$DIR/nope.state.json'], /cannot read --state .*nope\.state\.json/],
    [['replay', '$DIR/events.jsonl', '-o', '$DIR/out.jsonl', '--format', 'syslog'], /syslog/],
  ],
  demo: [[['demo', '--output', '$DIR/folder'], /--output .*folder: is a folder/]],
  eval: [
    [['eval', '--alerts', '$DIR/events.jsonl', '--labels', '$DIR/labels.jsonl'], /--alerts .*events\.jsonl holds audit events, not alerts/],
    [['eval', '--alerts', '$DIR/alerts.jsonl', '--labels', '$DIR/alerts.jsonl'], /--labels .*alerts\.jsonl holds alerts .*, not labelled anomalies/],
    [['eval', '--alerts', '$DIR/labels.jsonl', '--labels', '$DIR/alerts.jsonl'], /--alerts .*labels\.jsonl holds labelled anomalies/],
    [['eval', '--alerts', '$DIR/alerts.jsonl', '--labels', '$DIR/labels.jsonl', '--days', 'abc'], /--days "abc": expected a number of days/],
    [['eval', '--alerts', '$DIR/alerts.jsonl', '--labels', '$DIR/labels.jsonl', '--agents', '2.5'], /--agents "2\.5": expected a whole number/],
    [
      ['eval', '--alerts', '$DIR/alerts.jsonl', '--labels', '$DIR/labels.jsonl', '--grace-minutes', '-1'],
      /--grace-minutes "-1": expected a number of minutes ≥ 0/,
    ],
    [['eval', '--alerts', '$DIR/nope.jsonl', '--labels', '$DIR/labels.jsonl'], /cannot read --alerts .*nope\.jsonl/],
  ],
  report: [
    [['report', '$DIR/labels.jsonl', '-o', '$DIR/r.html'], /alerts file .*labels\.jsonl holds labelled anomalies .*, not alerts/],
    [['report', '$DIR/events.jsonl', '-o', '$DIR/r.html'], /alerts file .*events\.jsonl holds audit events, not alerts/],
    [['report', '$DIR/alerts.jsonl', '-o', '$DIR/r.html', '--agents', 'six'], /--agents "six": expected a whole number from 0 to 100/],
    [['report', '$DIR/alerts.jsonl', '-o', '$DIR/folder'], /--out .*folder: is a folder/],
    [['report', '$DIR/alerts.jsonl', '-o', '$DIR/r.html', '--events', '$DIR/alerts.jsonl'], /holds alerts .*, not audit events/],
  ],
  inspect: [
    [['inspect', 'agent:a'], /required option '-s, --state <file>' not specified/],
    [['inspect', 'agent:a', '--state', '$DIR/nope.json'], /cannot read --state .*nope\.json: no such file or folder/],
    [['inspect', 'agent:a', '--state', '$DIR/events.jsonl', '--limit', '0'], /--limit "0": expected a whole number ≥ 1/],
    [['inspect', 'agent:a', '--state', '$DIR/events.jsonl'], /events\.jsonl/],
  ],
  tune: [
    [['tune', '$DIR/events.jsonl'], /nothing to sweep: give at least one --set/],
    [['tune', '$DIR/nope.jsonl', '--set', 'engine.rateSpike.minCount=10,20'], /cannot read input file .*nope\.jsonl/],
    [['tune', '$DIR/events.jsonl', '--set', 'engine.rateSpike.minCount=10,20', '--jobs', 'x'], /--jobs "x": expected an integer/],
    [['tune', '$DIR/events.jsonl', '--set', 'engine.rateSpike.minCount=10,20', '--labels', '$DIR/alerts.jsonl'], /--labels .*alerts\.jsonl holds alerts/],
    [['tune', '$DIR/events.jsonl', '--set', 'engine.nope=1,2'], /engine\.nope/],
  ],
  diff: [
    [['diff', '$DIR/events.jsonl'], /nothing to compare/],
    [['diff', '$DIR/events.jsonl', '--baselines', 'none', '--baselines', 'none', '--examples', 'abc'], /--examples "abc": expected a number/],
    [['diff', '$DIR/folder', '--baselines', 'none', '--baselines', 'none'], /is a folder/],
  ],
  produce: [
    // No broker is reachable at 127.0.0.1:1: the file is named before any connection is tried.
    [['produce', '$DIR/nope.jsonl'], /cannot read input file .*nope\.jsonl/],
    [['produce', '$DIR/alerts.jsonl'], /holds alerts .*, not audit events/],
    [['produce', '$DIR/events.jsonl', '--rate', '0'], /--rate.*expected a positive number of events per second/],
  ],
  feedback: [
    [['feedback', 'abc', '--file', '$DIR/fb.jsonl'], /say either --normal .* or --confirmed/],
    [['feedback', 'abc', '--normal', '--confirmed'], /cannot be used with/],
    [['feedback', 'abc', '--normal', '--file', '$DIR/folder'], /--file .*folder: is a folder/],
  ],
  tail: [[['tail', '--count', '0'], /--count "0": expected a whole number ≥ 1/]],
  run: [[['run', '--config', '$DIR/nope.yaml'], /cannot read config file .*nope\.yaml/]],
};

describe('every ordinary mistake: one line, a non-zero exit, no work done', () => {
  const saved = process.env['AGENTWATCH_KAFKA_BROKERS'];
  beforeAll(() => {
    process.env['AGENTWATCH_KAFKA_BROKERS'] = '127.0.0.1:1';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env['AGENTWATCH_KAFKA_BROKERS'];
    else process.env['AGENTWATCH_KAFKA_BROKERS'] = saved;
  });

  for (const [command, cases] of Object.entries(CASES)) {
    describe(command, () => {
      for (const [args, says] of cases) {
        it(args.join(' ').replaceAll('$DIR/', ''), async () => {
          const r = await run(...args);
          expect(r.code, r.stderr).not.toBe(0);
          const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/unknown format "date-time"/.test(l));
          expect(lines, r.stderr).toHaveLength(1);
          expect(lines[0]).toMatch(/^agentwatch: /);
          expect(lines[0]).toMatch(says);
          expect(r.stderr).not.toMatch(/\n\s+at /);
          expect(r.stderr).not.toMatch(/Replayed|Report:/);
          expect(existsSync(f('out.jsonl')) && readFileSync(f('out.jsonl'), 'utf8') !== '', 'no alerts written').toBe(false);
        });
      }
    });
  }
});

describe('- is standard output', () => {
  it('replay --output - writes the alerts as JSON lines on stdout, and no file named -', async () => {
    const r = await run('replay', '$DIR/events.jsonl', '--output', '-', '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(process.cwd(), '-'))).toBe(false);
    expect(r.stderr).toMatch(/Replayed 3 events/);
    expect(r.stderr).not.toMatch(/Alerts: -/);
  });

  it('feedback --file - prints the verdict line', async () => {
    const r = await run('feedback', 'abc', '--normal', '--file', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ alertId: 'abc', verdict: 'normal' });
  });
});
