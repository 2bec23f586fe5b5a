/**
 * Start-up as a user meets it (issue 16, item 2): whole processes, alternating in each round with
 * Node's own start (`node -e 0`) as the same-run baseline. `replay` of a one-event file is the
 * upper bound of "start to first event": it includes reading, judging and writing that event.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/agentwatch.js');
const EVENT = { id: 'evt-1', time: '2026-03-02T00:00:24.628Z', agentId: 'agent:startup', category: 'resource_access', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', outcome: 'success' };

function wallMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export interface StartupResult {
  nodeMs: number;
  helpMs: number;
  replayOneEventMs: number;
}

export function measureStartup(rounds: number): StartupResult {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'agentwatch-startup-'));
  try {
    const events = join(dir, 'one.jsonl');
    writeFileSync(events, `${JSON.stringify(EVENT)}\n`);
    const node: number[] = [];
    const help: number[] = [];
    const replay: number[] = [];
    wallMs([BIN, '--help']); // the first run pays for the disk cache
    for (let r = 0; r < rounds; r++) {
      node.push(wallMs(['-e', '0']));
      help.push(wallMs([BIN, '--help']));
      replay.push(wallMs([BIN, 'replay', events, '--output', join(dir, 'alerts.jsonl')]));
    }
    return { nodeMs: median(node), helpMs: median(help), replayOneEventMs: median(replay) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startupRows(rounds: number): string[] {
  const s = measureStartup(Math.max(5, rounds * 3));
  const ms = (x: number) => `${Math.round(x)} ms`;
  const ok = (b: boolean) => (b ? 'meets' : 'MISSES');
  return [
    `| \`agentwatch --help\`, whole process (Node alone: ${ms(s.nodeMs)}) | **${ms(s.helpMs)}** (${(s.helpMs / s.nodeMs).toFixed(1)}× Node's start) | ≤ 150 ms (${ok(s.helpMs <= 150)}) |`,
    `| \`agentwatch replay\` of a one-event file, whole process (start to first event, upper bound) | **${ms(s.replayOneEventMs)}** (${(s.replayOneEventMs / s.nodeMs).toFixed(1)}× Node's start) | ≤ 250 ms (${ok(s.replayOneEventMs <= 250)}) |`,
  ];
}
