import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine.js';
import { defaultEngineSettings } from '../../../src/core/engine-context.js';
import { restoreAgent } from '../../../src/core/baselines/agent-baseline-snapshot.js';
import { trimSnapshot } from '../../../src/core/baselines/trim-snapshot.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const bytes = (s: string) => Buffer.byteLength(s);

function agentWithResources(n: number) {
  const engine = new Engine(defaultEngineSettings({ seen: { maxResources: 10_000 } }));
  for (let i = 0; i < n; i++) {
    const e = {
      id: `e${i}`,
      timeMs: T0 + i * 1_000,
      agentId: 'big',
      category: 'resource_access',
      action: 'read',
      resource: `arn:aws:s3:::bucket/${'x'.repeat(200)}/${i}`,
      outcome: 'success',
    } as AuditEvent;
    engine.process(e, e.timeMs);
  }
  return { engine, snapshot: engine.snapshotAgent('big')! };
}

describe('trimSnapshot', () => {
  it('leaves a snapshot that fits untouched', () => {
    const { snapshot } = agentWithResources(5);
    const r = trimSnapshot(snapshot, 1_000_000, bytes);
    expect(r.dropped).toBe(0);
    expect(r.snapshot).toBe(snapshot);
    expect(r.json).toBe(JSON.stringify(snapshot));
  });

  it('drops the least recently seen resources until it fits, keeps the counters, and restores', () => {
    const { engine, snapshot } = agentWithResources(2_000);
    const before = bytes(JSON.stringify(snapshot));
    expect(before).toBeGreaterThan(400_000);
    const r = trimSnapshot(snapshot, 100_000, bytes);
    expect(bytes(r.json)).toBeLessThanOrEqual(100_000);
    expect(r.dropped).toBeGreaterThan(1_000);
    expect(r.snapshot.eventCount).toBe(2_000);
    const kept = r.snapshot.resources.map(([key]) => key);
    // The newest resource is kept, the oldest is gone.
    expect(kept).toContain(`arn:aws:s3:::bucket/${'x'.repeat(200)}/1999`);
    expect(kept).not.toContain(`arn:aws:s3:::bucket/${'x'.repeat(200)}/0`);
    // The original is not changed, and the trimmed one restores.
    expect(bytes(JSON.stringify(snapshot))).toBe(before);
    expect(restoreAgent(r.snapshot, engine.ctx).eventCount).toBe(2_000);
  });
});
