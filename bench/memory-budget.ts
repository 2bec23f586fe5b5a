/**
 * The memory budget under a flood (issue 13): `--agents` random agent ids (one event each, a
 * long resource) interleaved with a real fleet of 50 agents active throughout, through one
 * engine with `engine.maxStateBytes` = `--budget-mb`. Prints JSON: RSS of the idle process
 * before (the fixed overhead), peak and final RSS, the engine's own estimate, evictions, and
 * whether every fleet agent kept its whole baseline. Run as a whole process:
 *   node --expose-gc --import tsx bench/memory-budget.ts --agents 2000000 --budget-mb 256
 */
import { parseArgs } from 'node:util';
import { Engine } from '../src/core/engine.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import type { AuditEvent } from '../src/core/events/audit-event.js';

const { values } = parseArgs({ options: { agents: { type: 'string', default: '2000000' }, 'budget-mb': { type: 'string', default: '256' } } });
const flood = Number(values.agents);
const budget = Number(values['budget-mb']) * 1_048_576;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => Math.round(n / 1_048_576);

gc();
const idleRss = process.memoryUsage().rss;
const engine = new Engine(defaultEngineSettings({ maxStateBytes: budget }));
const fleet = Array.from({ length: 50 }, (_, i) => `fleet-agent-${i}`);
const T0 = Date.parse('2026-03-02T00:00:00Z');
let peakRss = idleRss;
let fleetEvents = 0;
const started = performance.now();
const e: AuditEvent = { id: '', timeMs: 0, agentId: '', category: 'resource_access', action: 'storage.blob.read', outcome: 'success' };
for (let k = 0; k < flood; k++) {
  const t = T0 + k * 50;
  e.id = `f${k}`;
  e.timeMs = t;
  // A random-looking id, as a forged or spoofed agent name would be.
  e.agentId = `flood-${((k * 2_654_435_761) >>> 0).toString(36)}-${k.toString(36)}`;
  e.resource = `https://acct.blob.core.windows.net/c/${'r'.repeat(180)}-${k}`;
  engine.process(e, t);
  if (k % 200 === 0) {
    for (const a of fleet) {
      e.id = `${a}-${k}`;
      e.agentId = a;
      e.resource = `https://acct.blob.core.windows.net/${a}/data-${k % 7}`;
      engine.process(e, t);
      fleetEvents++;
    }
  }
  if (k % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
gc();
const finalRss = process.memoryUsage().rss;
peakRss = Math.max(peakRss, finalRss);
const perFleetAgent = fleetEvents / fleet.length;
const fleetKept = fleet.every((a) => engine.agent(a)?.eventCount === perFleetAgent);
process.stdout.write(
  `${JSON.stringify({
    floodAgents: flood,
    budgetMb: mb(budget),
    idleRssMb: mb(idleRss),
    peakRssMb: mb(peakRss),
    finalRssMb: mb(finalRss),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    stateEstimateMb: mb(engine.stateBytesApprox),
    agentsHeld: engine.agentCount,
    evicted: engine.stats.evictedAgents,
    fleetKept,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  })}\n`,
);
