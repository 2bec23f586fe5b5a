import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { ReorderBuffer } from '../../../src/core/events/reorder-buffer.js';
import { event } from '../../helpers/traffic.js';

describe('ReorderBuffer', () => {
  it('restores event-time order within the lateness, keeps arrival order on ties, flags later ones as late', () => {
    const buf = new ReorderBuffer(60_000);
    const out: AuditEvent[] = [];
    const times = [0, 10_000, 5_000, 70_000, 65_000, 65_000, 2_000, 200_000, 100_000];
    const events = times.map((t, i) => event('a', t, { id: `e${i}` }));
    for (const e of events) buf.push(e, out);
    buf.flush(out);
    expect(out.map((e) => e.id)).toEqual(['e0', 'e2', 'e1', 'e6', 'e4', 'e5', 'e3', 'e8', 'e7']);
    // e6 (2 s, after the watermark reached 10 s) and e8 (100 s, after it reached 140 s) are
    // released at once and counted late.
    expect(buf.lateEvents).toBe(2);
  });

  it('holds no more than the lateness window', () => {
    const buf = new ReorderBuffer(1_000);
    const out: AuditEvent[] = [];
    for (let t = 0; t < 100_000; t += 100) buf.push(event('a', t), out);
    expect(buf.size).toBeLessThanOrEqual(11);
    expect(out.every((e, i) => i === 0 || e.timeMs >= (out[i - 1] as AuditEvent).timeMs)).toBe(true);
  });
});
