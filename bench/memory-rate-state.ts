/**
 * Issue 14, item 6: the state the rate windows, their CUSUM and rate_drop add per agent, this
 * checkout against another one (`--against DIR`, e.g. a worktree of main) in the same run.
 * Each measurement is a child process (a fresh heap; `measureRateMemory` warms both arms up
 * first), alternating the checkouts round by round. Bytes: heap used + array buffers after GC
 * (`measureRateMemory` in rate-detectors-cost.ts: one `RateWindows` + default engine − engine
 * with the windows' judgement and rate_drop off).
 *
 *   node --expose-gc --import tsx bench/memory-rate-state.ts --agents 100000 --rounds 3 --against ../wt-main
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { RateMemory, measureRateMemory as MeasureRateMemory } from './rate-detectors-cost.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    against: { type: 'string' },
    child: { type: 'string' },
  },
});

if (values.child !== undefined) {
  const { measureRateMemory } = (await import(resolve(values.child, 'bench/rate-detectors-cost.ts'))) as { measureRateMemory: typeof MeasureRateMemory };
  process.stdout.write(`${JSON.stringify(measureRateMemory(Number(values.agents)))}\n`);
} else {
  const here = resolve(fileURLToPath(import.meta.url), '../..');
  const roots: Record<string, string> = { this: here, ...(values.against !== undefined && { against: resolve(values.against) }) };
  const heapMb = Math.ceil((Number(values.agents) * 12_000) / 1e6) + 512;
  const results: Record<string, RateMemory[]> = {};
  for (let r = 0; r < Number(values.rounds); r++) {
    const names = r % 2 === 0 ? Object.keys(roots) : Object.keys(roots).reverse();
    for (const name of names) {
      const out = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          `--max-old-space-size=${heapMb}`,
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          '--child',
          roots[name] as string,
          '--agents',
          values.agents,
        ],
        { cwd: roots[name], encoding: 'utf8' },
      );
      const m = JSON.parse(out) as RateMemory;
      (results[name] ??= []).push(m);
      process.stderr.write(
        `round ${r + 1} ${name}: with ${m.withBytes} B, off ${m.offBytes} B, windows ${m.windowsBytes} B → added ${m.addedBytes} B per agent\n`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const summary = Object.fromEntries(
    Object.entries(results).map(([k, ms]) => [k, { root: roots[k], addedBytes: median(ms.map((m) => m.addedBytes)), rounds: ms }]),
  );
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
