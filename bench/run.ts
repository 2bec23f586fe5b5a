/**
 * `npm run bench`: replay throughput as a ratio against raw JSON.parse of the same file, measured
 * in the same run (interleaved, median of N), the same as whole processes against a plain
 * `readline` + `JSON.parse` process (issue 16, item 1; CPU time, see replay-process.ts), memory
 * per tracked agent at 100k agents, and the CLI's start-up as whole processes beside Node's own
 * start, what issue 14's rate windows, CUSUM and rate_drop cost per event and per agent against
 * the same run with them switched off (rate-detectors-cost.ts), and (with a broker: --brokers or
 * KAFKA_BROKERS) live CPU per event against a raw kafkajs consumer (issue 16, item 4; bench/live-cpu.ts).
 * Ratios, not absolute timings: they hold from one machine to the next.
 *   --agents N --days N --scale X   generated fleet (default 40 agents × 14 days)
 *   --rounds N                      interleaved rounds (default 3)
 *   --memory-agents N               agents for the memory measurement (default 100000)
 *   --scale-agents N,N              full-baseline memory, changelog bytes and restore per agent
 *                                   (issue 16, item 3; bench/memory-at-scale.ts, one child process
 *                                   each; default 100000; 1000000 takes ~15 GB and many minutes)
 *   --json FILE                     also write the results as JSON
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFleet } from '../scripts/fleet/generate-fleet.js';
import { startupRows } from './cli-startup.js';
import { hostileInputRows } from './hostile-input.js';
import { type LiveCpuResult, liveCpuRow, measureLiveCpu } from './live-cpu.js';
import type { ScaleResult } from './memory-at-scale.js';
import { measureMemoryPerAgent } from './memory-per-agent.js';
import { measureRateCost, measureRateMemory } from './rate-detectors-cost.js';
import { measureReplayProcess } from './replay-process.js';
import { fullReplay, rawParse } from './replay-throughput.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '40' },
    days: { type: 'string', default: '14' },
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'memory-agents': { type: 'string', default: '100000' },
    'scale-agents': { type: 'string', default: '100000' },
    brokers: { type: 'string' },
    'live-events': { type: 'string', default: '200000' },
    json: { type: 'string' },
  },
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const log = (s: string) => process.stderr.write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'agentwatch-bench-'));
try {
  log(`generating fleet: ${values.agents} agents × ${values.days} days (scale ${values.scale}) …`);
  const fleet = await writeFleet({ seed: 42, agents: Number(values.agents), days: Number(values.days), scale: Number(values.scale) }, dir);
  const file = fleet.eventsFile;
  const mb = statSync(file).size / 1e6;
  log(`  ${fleet.events.toLocaleString('en-US')} events, ${mb.toFixed(0)} MB`);

  await rawParse(file); // warm the page cache and the JIT for both paths
  const raw: number[] = [];
  const full: number[] = [];
  let alerts = 0;
  for (let r = 0; r < Number(values.rounds); r++) {
    const a = await rawParse(file);
    raw.push(a.events / a.seconds);
    const b = await fullReplay(file, join(dir, 'baselines'), join(dir, 'alerts.jsonl'));
    full.push(b.events / b.seconds);
    alerts = b.alerts;
    log(
      `  round ${r + 1}: raw ${Math.round(a.events / a.seconds).toLocaleString('en-US')} events/s, replay ${Math.round(b.events / b.seconds).toLocaleString('en-US')} events/s`,
    );
  }
  const rawRate = median(raw);
  const replayRate = median(full);
  const ratio = replayRate / rawRate;

  log('replay as whole processes (CPU time at exit) …');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const proc = measureReplayProcess(file, join(dir, 'baselines'), join(dir, 'alerts-process.jsonl'), Number(values.rounds));
  for (const [i, r] of proc.raw.entries())
    log(
      `  round ${i + 1}: readline + JSON.parse ${Math.round(r.cpuMs)} ms CPU, agentwatch replay ${Math.round((proc.replay[i] as { cpuMs: number }).cpuMs)} ms CPU`,
    );

  log(`memory: ${values['memory-agents']} agents …`);
  const memory = measureMemoryPerAgent(Number(values['memory-agents']));

  const scale: ScaleResult[] = [];
  for (const n of String(values['scale-agents']).split(',').filter(Boolean)) {
    log(`full baseline at scale: ${n} agents (child process) …`);
    const heapMb = Math.max(2000, Math.ceil((Number(n) * 16_000) / 1_048_576));
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', `--max-old-space-size=${heapMb}`, '--import', 'tsx', 'bench/memory-at-scale.ts', '--agents', n],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    scale.push(JSON.parse(out) as ScaleResult);
  }

  log('rate windows, CUSUM and rate_drop: replay with and without (same file, alternating) …');
  const rateCost = await measureRateCost(file, join(dir, 'baselines'), join(dir, 'alerts-rates.jsonl'), Number(values.rounds), log);
  const rateMemory = measureRateMemory(Number(values['memory-agents']));
  const brokers = values.brokers ?? process.env['KAFKA_BROKERS']?.trim();
  let live: LiveCpuResult | undefined;
  if (brokers) {
    log(`live CPU per event (broker ${brokers}) …`);
    live = await measureLiveCpu(brokers, Number(values['live-events']), Number(values.rounds), log);
  } else {
    log('live CPU per event: skipped (no --brokers or KAFKA_BROKERS)');
  }

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    fleet: { agents: Number(values.agents), days: Number(values.days), events: fleet.events, megabytes: Math.round(mb), alerts },
    throughput: {
      rawJsonParseEventsPerSecond: Math.round(rawRate),
      replayEventsPerSecond: Math.round(replayRate),
      ratio: Math.round(ratio * 100) / 100,
      target: 0.5,
    },
    replayProcess: {
      cpuRatio: Math.round(proc.cpuRatio * 100) / 100,
      wallRatio: Math.round(proc.wallRatio * 100) / 100,
      target: 0.6,
      raw: proc.raw,
      replay: proc.replay,
    },
    memory: { agents: memory.agents, bytesPerAgent: memory.bytesPerAgent, target: 4096 },
    memoryAtScale: scale.map((r) => ({ ...r, bytesTarget: 1536, restoreSecondsTargetAt1M: 30 })),
    rateDetectors: {
      costRatio: Math.round(rateCost.costRatio * 1000) / 1000,
      costTarget: 1.1,
      withCpuMicrosPerEvent: rateCost.on.map((x) => Math.round(x * 100) / 100),
      withoutCpuMicrosPerEvent: rateCost.off.map((x) => Math.round(x * 100) / 100),
      ...rateMemory,
      addedBytesTarget: 700,
    },
    ...(live && {
      liveCpu: {
        events: live.events,
        cpuRatio: Math.round(live.cpuRatio * 100) / 100,
        wallRatio: Math.round(live.wallRatio * 100) / 100,
        target: 0.7,
        raw: live.raw,
        pipeline: live.pipeline,
      },
    }),
  };
  const ok = (b: boolean) => (b ? 'meets' : 'MISSES');
  process.stdout.write(
    [
      '| measure | result | target |',
      '|---|---|---|',
      `| replay throughput / raw \`JSON.parse\` (same file, same run, median of ${values.rounds}) | **${results.throughput.ratio}** (${results.throughput.replayEventsPerSecond.toLocaleString('en-US')} vs ${results.throughput.rawJsonParseEventsPerSecond.toLocaleString('en-US')} events/s) | ≥ 0.5 (${ok(ratio >= 0.5)}) |`,
      `| \`agentwatch replay\` / a plain \`readline\` + \`JSON.parse\` process, whole processes, CPU time (same file, alternating, median of ${values.rounds}) | **${results.replayProcess.cpuRatio}** (wall clock ${results.replayProcess.wallRatio}) | ≥ 0.6 (${ok(proc.cpuRatio >= 0.6)}) |`,
      `| memory per tracked agent at ${memory.agents.toLocaleString('en-US')} agents | **${(memory.bytesPerAgent / 1024).toFixed(2)} KB** | ≤ 4 KB (${ok(memory.bytesPerAgent <= 4096)}) |`,
      ...scale.map(
        (r) =>
          `| full baseline per agent at ${r.agents.toLocaleString('en-US')} agents, ${r.eventsPerAgent} mixed events each (heap + array buffers after GC; changelog record ${r.changelogBytesPerAgent} B, ${r.changelogGzipBytesPerAgent} B gzipped; decode + restore of all records in-process ${r.restoreSeconds} s, ${r.restoreCpuSeconds} s CPU, no broker) | **${r.bytesPerAgent} B** | ≤ 1,536 B (${ok(r.bytesPerAgent <= 1536)}) |`,
      ),
      `| per-event cost with / without the rate windows, CUSUM and rate_drop (replay in-process, CPU time, same file, alternating, median of ${values.rounds}) | **${results.rateDetectors.costRatio.toFixed(2)}** | ≤ 1.10 (${ok(rateCost.costRatio <= 1.1)}) |`,
      `| state the rate windows, CUSUM and rate_drop add per agent (${rateMemory.agents.toLocaleString('en-US')} agents: ${rateMemory.withBytes} B with, ${rateMemory.offBytes} B off, windows ${rateMemory.windowsBytes} B) | **${rateMemory.addedBytes} B** | ≤ 700 B (${ok(rateMemory.addedBytes <= 700)}) |`,
      ...(await hostileInputRows(Number(values.rounds))),
      ...startupRows(Number(values.rounds)),
      ...(live ? [liveCpuRow(live, Number(values.rounds))] : []),
      '',
    ].join('\n'),
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
