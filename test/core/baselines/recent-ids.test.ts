import { describe, expect, it } from 'vitest';
import { RecentIds, idHash } from '../../../src/core/baselines/recent-ids.js';

describe('RecentIds', () => {
  it('recognises the same id at the same time within the window, not after it, nor another time', () => {
    const r = new RecentIds(256);
    expect(r.seenOrAdd(idHash('e1'), 1_000, 60_000)).toBe(false);
    expect(r.seenOrAdd(idHash('e1'), 1_000, 60_000)).toBe(true);
    expect(r.seenOrAdd(idHash('e1'), 2_000, 60_000)).toBe(false);
    for (let i = 0; i < 10; i++) r.seenOrAdd(idHash(`x${i}`), 100_000 + i, 60_000);
    // e1@1000 has left the window.
    expect(r.seenOrAdd(idHash('e1'), 1_000, 60_000)).toBe(false);
  });

  it('keeps at most maxIds, the most recent, and survives a snapshot', () => {
    const r = new RecentIds(8);
    for (let i = 0; i < 100; i++) r.seenOrAdd(idHash(`e${i}`), i, 1e12);
    expect(r.size).toBe(8);
    const back = RecentIds.restore(r.snapshot(), 8);
    expect(back.seenOrAdd(idHash('e99'), 99, 1e12)).toBe(true);
    expect(back.seenOrAdd(idHash('e10'), 10, 1e12)).toBe(false);
  });
});
