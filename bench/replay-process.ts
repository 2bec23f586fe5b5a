/**
 * Replay as a user runs it (issue 16, item 1): `agentwatch replay` as a whole process against a
 * plain `readline` + `JSON.parse` process over the same file, alternating in each round. Both
 * children report their own CPU time at exit: on a machine shared with other work the wall clock
 * mostly measures the queue for a core, CPU time what the process itself costs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/agentwatch.js');
const RAW = join(ROOT, 'bench/raw-readline-parse.mjs');
const REPORT_CPU = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\nCPU_US '+(u.user+u.system)+'\\n')})`;

export interface ProcessTiming {
  wallMs: number;
  cpuMs: number;
}

function run(args: string[]): ProcessTiming {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${stderr.slice(-500)}`);
  const cpu = /CPU_US (\d+)/.exec(stderr);
  return { wallMs, cpuMs: cpu ? Number(cpu[1]) / 1000 : Number.NaN };
}

export interface ReplayProcessResult {
  raw: ProcessTiming[];
  replay: ProcessTiming[];
  /** Median over rounds of raw CPU / replay CPU (≥ 0.6 is the target). */
  cpuRatio: number;
  wallRatio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** `bin` lets an A/B run another tree's launcher over the same file in the same rounds. */
export function measureReplayProcess(file: string, baselinesDir: string, output: string, rounds: number, bin = BIN): ReplayProcessResult {
  const raw: ProcessTiming[] = [];
  const replay: ProcessTiming[] = [];
  run([RAW, file]); // the page cache
  for (let r = 0; r < rounds; r++) {
    raw.push(run([RAW, file]));
    replay.push(run([bin, 'replay', file, '--baselines', baselinesDir, '--output', output, '--no-progress']));
  }
  return {
    raw,
    replay,
    cpuRatio: median(raw.map((x, i) => x.cpuMs / (replay[i] as ProcessTiming).cpuMs)),
    wallRatio: median(raw.map((x, i) => x.wallMs / (replay[i] as ProcessTiming).wallMs)),
  };
}
