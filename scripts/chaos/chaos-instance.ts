import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface InstanceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal (or the process's own end) to its exit. */
  ms: number;
}

/**
 * One `agentwatch run` process, as an orchestrator runs it: from source through tsx (no build
 * needed) or from dist/ when `dist` is set. Its logs are kept for the checks.
 */
export class RunInstance {
  private child: ChildProcess | undefined;
  private out = '';
  exited: Promise<InstanceExit> = Promise.resolve({ code: null, signal: null, ms: 0 });
  private signalledAt = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly dist = false,
  ) {}

  get log(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    this.out = '';
    const entry = this.dist ? ['bin/agentwatch.js'] : ['--import', 'tsx', 'src/cli/agentwatch.ts'];
    const child = spawn(process.execPath, [...entry, 'run', ...this.args], {
      cwd: ROOT,
      env: { NO_COLOR: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (b: Buffer) => {
      this.out += b.toString();
      if (this.out.length > 4_000_000) this.out = this.out.slice(-2_000_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.signalledAt = 0;
    const started = Date.now();
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - (this.signalledAt || started) })));
    return this;
  }

  /** Resolves once the instance logged `text` (e.g. "baselines restored"); rejects if it exits first or after `timeoutMs`. */
  async waitForLog(text: string | RegExp, timeoutMs = 90_000, from = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof text === 'string' ? this.out.indexOf(text, from) >= 0 : text.test(this.out.slice(from)));
    while (!seen()) {
      if (!this.running) throw new Error(`${this.name} exited before logging ${String(text)}:\n${this.out.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log ${String(text)} within ${timeoutMs} ms:\n${this.out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(signal: NodeJS.Signals): Promise<InstanceExit> {
    if (this.running) {
      this.signalledAt = Date.now();
      this.child?.kill(signal);
    }
    return this.exited;
  }
}

/** The `baselines restored` lines of an instance's log: agents, records and milliseconds of each restore. */
export function restoreLines(log: string): { agents: number; records: number; ms: number }[] {
  return [...log.matchAll(/"agents":(\d+),"records":(\d+),"ms":(\d+),"msg":"baselines restored"/g)].map((m) => ({
    agents: Number(m[1]),
    records: Number(m[2]),
    ms: Number(m[3]),
  }));
}
