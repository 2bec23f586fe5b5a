import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosBroker } from './chaos-broker.js';
import { freePortPair } from './free-port.js';
import { type ChaosContext, type ScenarioResult, result } from './chaos-scenario.js';
import { brokerRestarts, joinLeave, killNine } from './scenarios-faults.js';
import { badClocks, bigPartition, slowSink } from './scenarios-state.js';

/** The fault scenarios of issue 12, in the order they run. */
export const SCENARIOS = {
  'kill-9': killNine,
  'broker-restarts': brokerRestarts,
  'join-leave': joinLeave,
  'big-partition': bigPartition,
  'bad-clocks': badClocks,
  'slow-sink': slowSink,
} as const satisfies Record<string, (ctx: ChaosContext) => Promise<ScenarioResult>>;

export type ScenarioName = keyof typeof SCENARIOS;

/**
 * Runs scenarios against a private broker of their own (killed and resumed by some of them),
 * then stops it and removes every scratch folder.
 */
export async function runChaos(opts: {
  quick: boolean;
  dist: boolean;
  only?: readonly ScenarioName[];
  port?: number;
  log?: (msg: string) => void;
}): Promise<ScenarioResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'aw-chaos-'));
  const port = opts.port ?? (await freePortPair());
  const broker = new ChaosBroker(port, join(dir, 'kafka'));
  const log = opts.log ?? (() => {});
  const ctx: ChaosContext = { broker, dir, quick: opts.quick, dist: opts.dist, log };
  const results: ScenarioResult[] = [];
  await broker.start();
  try {
    for (const name of opts.only ?? (Object.keys(SCENARIOS) as ScenarioName[])) {
      log(`${name}: starting`);
      const started = Date.now();
      // A scenario that cannot finish (a group that never catches up) is a failed scenario, not the end of the run.
      const r = await SCENARIOS[name](ctx).catch((err: unknown) =>
        result(name, `${name} (did not finish)`, started, [{ name: 'finished', ok: false, detail: (err as Error).message.split('\n')[0] ?? '' }], {}),
      );
      log(`${name}: ${r.ok ? 'ok' : 'FAILED'} in ${Math.round(r.ms / 1000)} s`);
      results.push(r);
    }
  } finally {
    await broker.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** The results as the Markdown RELIABILITY.md keeps between its chaos markers. */
export function resultsMarkdown(results: readonly ScenarioResult[], header: string): string {
  const out = [header, ''];
  for (const r of results) {
    out.push(`### ${r.ok ? '✅' : '❌'} ${r.name}: ${r.title} (${Math.round(r.ms / 1000)} s)`, '');
    for (const c of r.checks) out.push(`- ${c.ok ? 'ok' : '**FAILED**'}: ${c.name} — ${c.detail}`);
    const numbers = Object.entries(r.numbers).map(([k, v]) => `${k} ${v}`);
    if (numbers.length) out.push(`- measured: ${numbers.join('; ')}`);
    out.push('');
  }
  return out.join('\n');
}
