// Vitest globalSetup, first of all: every temporary file of a test run goes under one folder,
// removed at teardown. TMPDIR is set here, in the main process, before Vitest forks its workers
// (they inherit process.env), so os.tmpdir() in every test, every CLI process a test spawns,
// Prometheus, Alertmanager, Chromium and the test broker's data dir (kafka-global-setup.ts) all
// land in it: no per-test cleanup can be forgotten.
//
// A run killed before its teardown leaves its folder behind; the next run removes folders of
// runs whose process is gone, after stopping a test broker still running from one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = 'agentwatch-test-run-';
const KAFKA_SH = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAbandoned(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(/^agentwatch-test-run-(\d+)-/.exec(name)?.[1]);
    if (!pid || alive(pid)) continue;
    const dir = join(base, name);
    for (const sub of readdirSync(dir)) {
      if (!sub.startsWith('agentwatch-kafka-test-') || !existsSync(join(dir, sub, 'kafka.pid'))) continue;
      try {
        execFileSync('bash', [KAFKA_SH, 'stop'], { env: { ...process.env, AGENTWATCH_KAFKA_DIR: join(dir, sub) }, stdio: 'ignore', timeout: 60_000 });
      } catch {
        // A broker that will not stop keeps its port; kafka-global-setup.ts says so when it starts its own.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export default function setup(): () => void {
  const base = tmpdir();
  removeAbandoned(base);
  const runDir = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = runDir;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    rmSync(runDir, { recursive: true, force: true });
  };
}
