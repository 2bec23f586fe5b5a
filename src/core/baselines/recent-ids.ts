/**
 * The ids of an agent's recent events, to recognise the same event delivered twice (issue 13:
 * at-least-once producers and overlapping exports doubled rates and raised rate spikes that did
 * not exist). An event is a duplicate when an event with the same id and the same time was seen
 * within `windowMs` of event time, or is among the agent's last {@link MIN_KEPT} events whatever
 * their age (a quiet agent's re-sent batch is minutes old in event time). Ids are kept as 32-bit
 * FNV-1a hashes (a false match needs the same millisecond too), oldest first, at most `maxIds`
 * (a very busy agent keeps its last ones).
 */
export const MIN_KEPT = 8;

export class RecentIds {
  private hashes: number[] = [];
  private times: number[] = [];
  private head = 0;

  constructor(private readonly maxIds: number) {}

  /** True when (id, time) was seen within the window (a duplicate); else it is remembered. */
  seenOrAdd(hash: number, timeMs: number, windowMs: number): boolean {
    const hashes = this.hashes;
    const times = this.times;
    for (let i = hashes.length - 1; i >= this.head; i--) {
      if (hashes[i] === hash && times[i] === timeMs) return true;
    }
    const horizon = timeMs - windowMs;
    for (;;) {
      const live = hashes.length - this.head;
      if (live === 0 || (live < this.maxIds && (live < MIN_KEPT || (times[this.head] as number) >= horizon))) break;
      this.head++;
    }
    if (this.head > 32 && this.head * 2 > hashes.length) {
      this.hashes = hashes.slice(this.head);
      this.times = times.slice(this.head);
      this.head = 0;
    }
    this.hashes.push(hash);
    this.times.push(timeMs);
    return false;
  }

  get size(): number {
    return this.hashes.length - this.head;
  }

  snapshot(): [hash: number, timeMs: number][] {
    const out: [number, number][] = [];
    for (let i = this.head; i < this.hashes.length; i++) out.push([this.hashes[i] as number, this.times[i] as number]);
    return out;
  }

  static restore(entries: readonly (readonly [number, number])[] | undefined, maxIds: number): RecentIds {
    const r = new RecentIds(maxIds);
    for (const [h, t] of (entries ?? []).slice(-maxIds)) {
      r.hashes.push(h);
      r.times.push(t);
    }
    return r;
  }
}

/** 32-bit FNV-1a over the UTF-16 code units of an event id. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
