/**
 * Issue 14, item 6's last sentence: what the rate windows, their CUSUM and rate_drop cost per
 * event and per agent. Measured against the same build with them switched off by configuration,
 * in the same run (interleaved rounds, medians), so the ratio holds from one machine to the next.
 * CPU time of this process, not the wall clock: on a machine shared with other work the wall clock
 * of one replay swung by 2× between rounds (the queue for a core), its CPU time did not.
 * "Off" still carries the windows' fixed per-bucket bookkeeping (the arrays are allocated and
 * filled whatever the setting), so the state the windows add is measured directly: the heap of
 * that many `RateWindows` after an hour opened, per instance.
 */
import type { Config } from '../src/config/config-schema.js';
import { loadConfig } from '../src/config/load-config.js';
import { RateWindows } from '../src/core/baselines/rate-windows.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import { HourProfile } from '../src/core/baselines/hour-profile.js';
import { heapUsed, measureMemoryPerAgent } from './memory-per-agent.js';
import { fullReplay } from './replay-throughput.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The engine without the scan windows, their CUSUM and rate_drop: the in-bucket rule only. */
export const RATE_WINDOWS_OFF = { rateSpike: { windows: { enabled: false, cusum: { enabled: false } } }, rateDrop: { enabled: false } } as const;

function configWithout(): Config {
  const config = loadConfig().config;
  config.engine.rateSpike.windows.enabled = false;
  config.engine.rateSpike.windows.cusum.enabled = false;
  config.engine.rateDrop.enabled = false;
  return config;
}

export interface RateCost {
  /** CPU microseconds per event of each round, with and without. */
  on: number[];
  off: number[];
  /** Median over rounds of (CPU per event with) / (CPU per event without): ≤ 1.10 is the target. */
  costRatio: number;
}

/** Replays `file` alternately with and without the rate windows and rate_drop, `rounds` pairs. */
export async function measureRateCost(
  file: string,
  baselinesDir: string,
  output: string,
  rounds: number,
  log: (s: string) => void = () => {},
): Promise<RateCost> {
  const without = configWithout();
  const on: number[] = [];
  const off: number[] = [];
  await fullReplay(file, baselinesDir, output, without); // JIT warm-up for both (same code paths)
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first: a shared machine's load drifts within a round.
    const pair = r % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const which of pair) {
      const cpu = process.cpuUsage();
      const res = await fullReplay(file, baselinesDir, output, which === 'on' ? loadConfig().config : without);
      const used = process.cpuUsage(cpu);
      (which === 'on' ? on : off).push((used.user + used.system) / res.events);
    }
    log(`  round ${r + 1}: CPU per event without ${(off[r] as number).toFixed(2)} µs, with ${(on[r] as number).toFixed(2)} µs`);
  }
  return { on, off, costRatio: median(on.map((x, i) => x / (off[i] as number))) };
}

export interface RateMemory {
  agents: number;
  /** Bytes per agent: the default engine, and with the windows' judgement and rate_drop off. */
  withBytes: number;
  offBytes: number;
  /** One `RateWindows` (ring, per-hour dispersion, thresholds, CUSUM): allocated in both. */
  windowsBytes: number;
  /** What the windows, the CUSUM and rate_drop add to an agent: windowsBytes + (withBytes − offBytes). */
  addedBytes: number;
}

/** Heap of `n` RateWindows that each opened an hour (so their thresholds object exists), per instance. */
export function measureRateWindowsBytes(n: number): number {
  const s = defaultEngineSettings().rateSpike.windows;
  const profile = new HourProfile();
  const keep: RateWindows[] = [];
  const before = heapUsed();
  for (let i = 0; i < n; i++) {
    const w = new RateWindows();
    w.openHour(profile, i % 168, 60_000, s, true, true);
    keep.push(w);
  }
  const after = heapUsed();
  // The array holding them: 8 bytes a slot (pointer), not per-agent state.
  return Math.round((after - before) / keep.length - 8);
}

export function measureRateMemory(agents: number): RateMemory {
  // Both arms' code paths warmed first: the first measurement otherwise carries the compiler's
  // and the inline caches' allocations (60 B per agent at 20 k agents, bench/memory-rate-state.ts).
  measureMemoryPerAgent(Math.min(agents, 2_000));
  measureMemoryPerAgent(Math.min(agents, 2_000), 24, RATE_WINDOWS_OFF);
  measureRateWindowsBytes(Math.min(agents, 2_000));
  const withBytes = measureMemoryPerAgent(agents).bytesPerAgent;
  const offBytes = measureMemoryPerAgent(agents, 24, RATE_WINDOWS_OFF).bytesPerAgent;
  const windowsBytes = measureRateWindowsBytes(agents);
  return { agents, withBytes, offBytes, windowsBytes, addedBytes: windowsBytes + withBytes - offBytes };
}
