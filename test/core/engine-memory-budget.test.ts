import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const MB = 1_048_576;

function ev(agentId: string, timeMs: number, i: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `${agentId}-${i}`,
    timeMs,
    agentId,
    category: 'resource_access',
    action: 'read',
    resource: `s3://bucket/${agentId}/${i % 5}`,
    outcome: 'success',
    ...extra,
  } as AuditEvent;
}

// Issue 13: a flood of random agent ids must not take the memory the fleet's baselines need.
describe('engine.maxStateBytes', () => {
  it('evicts the flood, least recently active first, and keeps the fleet that stays active', () => {
    const evicted: string[] = [];
    const engine = new Engine(defaultEngineSettings({ maxStateBytes: 8 * MB }), undefined, { onEvict: (id) => evicted.push(id) });
    const fleet = Array.from({ length: 20 }, (_, i) => `fleet-${i}`);
    let t = T0;
    let n = 0;
    for (let k = 0; k < 30_000; k++) {
      t += 1_000;
      // Random-looking one-shot ids with a long resource each, and the fleet every 100 events.
      engine.process(ev(`flood-${(k * 2_654_435_761) % 1e9}-${k}`, t, k, { resource: `s3://x/${'y'.repeat(1_000)}/${k}` }), t);
      if (k % 100 === 0) for (const a of fleet) engine.process(ev(a, t, n++), t);
    }
    expect(engine.stats.evictedAgents).toBeGreaterThan(20_000);
    expect(evicted.length).toBe(engine.stats.evictedAgents);
    expect(evicted.some((id) => id.startsWith('fleet-'))).toBe(false);
    expect(engine.stateBytesApprox).toBeLessThanOrEqual(8 * MB);
    for (const a of fleet) expect(engine.agent(a)?.eventCount).toBe(300);
  });

  it('bounds peer groups too: a flood of random agentClass values is evicted with its agents', () => {
    const engine = new Engine(defaultEngineSettings({ maxStateBytes: 4 * MB }));
    let t = T0;
    for (let k = 0; k < 20_000; k++) {
      t += 1_000;
      engine.process(ev(`a-${k}`, t, k, { agentClass: `class-${k}` }), t);
    }
    expect(engine.stats.evictedClasses).toBeGreaterThan(15_000);
    expect(engine.peerGroupCount).toBeLessThan(engine.agentCount + 10);
    expect(engine.stateBytesApprox).toBeLessThanOrEqual(4 * MB);
  });

  it('a restore obeys the cap and the budget like new agents do', () => {
    const source = new Engine(defaultEngineSettings());
    for (let k = 0; k < 2_000; k++) source.process(ev(`r-${k}`, T0 + k * 1_000, k), T0 + k * 1_000);
    const snaps = Array.from({ length: 2_000 }, (_, k) => source.snapshotAgent(`r-${k}`)!);
    const capped = new Engine(defaultEngineSettings({ maxAgents: 500 }));
    for (const s of snaps) capped.restoreAgent(s);
    expect(capped.agentCount).toBeLessThanOrEqual(500);
    expect(capped.agent('r-1999')).toBeDefined();
    const budgeted = new Engine(defaultEngineSettings({ maxStateBytes: 2 * MB }));
    for (const s of snaps) budgeted.restoreAgent(s);
    expect(budgeted.stateBytesApprox).toBeLessThanOrEqual(2 * MB);
    expect(budgeted.agent('r-1999')).toBeDefined();
    expect(budgeted.agent('r-0')).toBeUndefined();
  });
});
