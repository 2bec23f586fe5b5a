import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const event = (i: number, agentId = 'a'): AuditEvent =>
  ({ id: `e${i}`, timeMs: T0 + i * 1_000, agentId, category: 'api_call', action: 'x', outcome: 'success' }) as AuditEvent;

// Issue 12: after a crash or a lost commit the changelog can be ahead of the committed offsets;
// the events read again must not be learned twice.
describe('Engine input positions', () => {
  it('skips events at or before the agent’s recorded position, also after a snapshot and restore', () => {
    const engine = new Engine(defaultEngineSettings());
    for (let i = 0; i < 10; i++) engine.process(event(i), 0, i * 65_536);
    const snapshot = engine.snapshotAgent('a')!;
    expect(snapshot.position).toBe(9 * 65_536);
    const restarted = new Engine(defaultEngineSettings());
    restarted.restoreAgent(snapshot);
    // Re-read from an older committed offset: 5..14; only 10..14 are new.
    for (let i = 5; i < 15; i++) restarted.process(event(i), 0, i * 65_536);
    expect(restarted.agent('a')?.eventCount).toBe(15);
    expect(restarted.stats.relearnedSkipped).toBe(5);
  });

  it('records no position without one (replay), and other agents are not affected', () => {
    const engine = new Engine(defaultEngineSettings());
    engine.process(event(1), 0);
    expect(engine.snapshotAgent('a')?.position).toBeUndefined();
    engine.process(event(2, 'b'), 0, 100);
    engine.process(event(3, 'a'), 0, 50);
    expect(engine.agent('a')?.eventCount).toBe(2);
    expect(engine.stats.relearnedSkipped).toBe(0);
  });
});
