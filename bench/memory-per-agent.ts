import { DeclaredBaselines } from '../src/core/baselines/declared-baselines.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import { Engine } from '../src/core/engine.js';
import type { AuditEvent } from '../src/core/events/audit-event.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2);

export function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  // Typed arrays live outside the JS heap: count them too.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Memory per tracked agent: `agents` agents, each active over several hours (so every part of a
 * baseline exists: EWMAs, sketch with bins, hour profile, a few resources and an open bucket),
 * measured as the heap growth after GC divided by the number of agents. `settings`: engine
 * overrides (the rate windows' A/B).
 */
export function measureMemoryPerAgent(agents: number, eventsPerAgent = 24, settings: unknown = {}): { agents: number; bytesPerAgent: number; heapMb: number } {
  const engine = new Engine(defaultEngineSettings(settings), DeclaredBaselines.empty());
  const before = heapUsed();
  const ev: AuditEvent = { id: '', timeMs: 0, agentId: '', category: 'resource_access', action: 'storage.blob.read', outcome: 'success' };
  // Round-robin over agents in time order, as a real stream interleaves them.
  for (let k = 0; k < eventsPerAgent; k++) {
    for (let a = 0; a < agents; a++) {
      ev.id = `e${k}-${a}`;
      ev.agentId = `agent-${a}`;
      ev.timeMs = T0 + k * 7 * MINUTE + (a % 60) * 1000;
      ev.resource = `https://acct.blob.core.windows.net/c${a % 97}/blob-${k % 4}`;
      engine.process(ev, ev.timeMs);
    }
  }
  const after = heapUsed();
  if (engine.agentCount !== agents) throw new Error('agent count mismatch');
  return { agents, bytesPerAgent: Math.round((after - before) / agents), heapMb: Math.round((after - before) / 1048576) };
}
