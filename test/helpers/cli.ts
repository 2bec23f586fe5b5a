import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source in a child process (no build needed), as a user would run
 * `agentwatch …`. A tsx start costs seconds on a loaded machine: keep it for the smoke tests
 * (test/cli/smoke.test.ts) and the long-running `run`; everything else uses `cli()`.
 */
export function agentwatch(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Write = typeof process.stdout.write;

/** Replaces `stream.write` with one that appends to a string and still honours the callback. */
function capture(stream: NodeJS.WriteStream, into: { text: string }): () => void {
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void) => {
    into.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) queueMicrotask(() => done(null));
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * The same command run in this process through the CLI's `main(argv)`: stdout, stderr and the
 * exit status as `agentwatch()` gives them, in milliseconds instead of a tsx start each. `env`
 * is set for the call and restored after; calls are serialized, since stdout, stderr and
 * process.env are the process's own.
 */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const env: NodeJS.ProcessEnv = { NO_COLOR: '1', ...opts.env };
    const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const stdout = { text: '' };
    const stderr = { text: '' };
    const restoreOut = capture(process.stdout, stdout);
    const restoreErr = capture(process.stderr, stderr);
    try {
      const status = await main(['node', 'agentwatch', ...args]);
      return { status, stdout: stdout.text, stderr: stderr.text };
    } finally {
      restoreOut();
      restoreErr();
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
