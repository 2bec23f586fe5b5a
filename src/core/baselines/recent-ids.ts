/**
 * The ids of an agent's recent events, to recognise the same event delivered twice (issue 13:
 * at-least-once producers and overlapping exports doubled rates and raised rate spikes that did
 * not exist). An event is a duplicate when an event with the same id and the same time was seen
 * within `windowMs` of event time, or is among the agent's last {@link MIN_KEPT} events whatever
 * their age (a quiet agent's re-sent batch is minutes old in event time). Ids are kept as 32-bit
 * FNV-1a hashes (a false match needs the same millisecond too), at most `maxIds` (a very busy
 * agent keeps its last ones).
 *
 * One flat ring of (hash, time) pairs, grown by doubling only while the window needs it: an agent
 * of ordinary rate holds 8 pairs in one array of 16 numbers (issue 16: bytes per agent count).
 */
export const MIN_KEPT = 8;

export class RecentIds {
  /** (hash, time) pairs, oldest at `start`, wrapping around. */
  private ring: number[] = new Array<number>(2 * MIN_KEPT).fill(0);
  private start = 0;
  private count = 0;

  constructor(private readonly maxIds: number) {}

  get size(): number {
    return this.count;
  }

  /** True when (id, time) was seen within the window (a duplicate); else it is remembered. */
  seenOrAdd(hash: number, timeMs: number, windowMs: number): boolean {
    const ring = this.ring;
    const cap = ring.length >> 1;
    for (let i = this.count - 1; i >= 0; i--) {
      const at = ((this.start + i) % cap) << 1;
      if (ring[at] === hash && ring[at + 1] === timeMs) return true;
    }
    const horizon = timeMs - windowMs;
    while (this.count > 0 && (this.count >= this.maxIds || (this.count >= MIN_KEPT && (ring[(this.start << 1) + 1] as number) < horizon))) {
      this.start = (this.start + 1) % cap;
      this.count--;
    }
    if (this.count === cap) this.grow();
    const c = this.ring.length >> 1;
    const at = ((this.start + this.count) % c) << 1;
    this.ring[at] = hash;
    this.ring[at + 1] = timeMs;
    this.count++;
    return false;
  }

  private grow(): void {
    const pairs = this.pairs();
    this.ring = new Array<number>(this.ring.length * 2).fill(0);
    this.start = 0;
    this.count = 0;
    for (const [h, t] of pairs) this.push(h, t);
  }

  private push(hash: number, timeMs: number): void {
    if (this.count === this.ring.length >> 1) this.grow();
    const at = ((this.start + this.count) % (this.ring.length >> 1)) << 1;
    this.ring[at] = hash;
    this.ring[at + 1] = timeMs;
    this.count++;
  }

  private pairs(): [number, number][] {
    const cap = this.ring.length >> 1;
    const out: [number, number][] = [];
    for (let i = 0; i < this.count; i++) {
      const at = ((this.start + i) % cap) << 1;
      out.push([this.ring[at] as number, this.ring[at + 1] as number]);
    }
    return out;
  }

  snapshot(): [hash: number, timeMs: number][] {
    return this.pairs();
  }

  static restore(entries: readonly (readonly [number, number])[] | undefined, maxIds: number): RecentIds {
    const r = new RecentIds(maxIds);
    for (const [h, t] of (entries ?? []).slice(-maxIds)) r.push(h, t);
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
