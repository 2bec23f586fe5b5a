import { type Static, Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import { RING } from '../baselines/rate-windows-layout.js';

/**
 * What rate_drop (rate-drop.ts) remembers of one agent, `agent.rateDrop`, created on the agent's
 * first event, and its snapshot form, `rateDrop` in the agent's snapshot (issue 14 item 3; issue
 * 18, item 4). Exports: RateDropSnapshotSchema, RateDropSnapshot, sharesWindowsRing, RateDropState.
 */

const MINUTE_MS = 60_000;
/** Weight of each judged window in the learned dispersion once warm: a half-life of about 140 windows (12 h of judgments). */
const DISPERSION_ALPHA = 0.005;
/** One window's contribution is capped, so a single odd window cannot blind the detector for days. */
const MAX_DISPERSION = 1000;

/** The range of a JavaScript Date (a time past it cannot be an alert's), and "never" below it. */
const MAX_TIME_MS = 8.64e15;
const Time = Type.Number({ minimum: Number.MIN_SAFE_INTEGER, maximum: MAX_TIME_MS });

export const RateDropSnapshotSchema = Type.Object({
  /** Events per minute of event time, the newest minute last. */
  minutes: Type.Array(Type.Integer({ minimum: 0, maximum: 0x7fffffff }), { minItems: 1, maxItems: 60 }),
  headMinute: Type.Integer({ minimum: Math.floor(Number.MIN_SAFE_INTEGER / MINUTE_MS), maximum: MAX_TIME_MS / MINUTE_MS }),
  lastEventId: Type.String(),
  judgedMs: Time,
  heldMs: Time,
  dispersion: Type.Number({ minimum: 0, maximum: MAX_DISPERSION }),
  dispersionSamples: Type.Integer({ minimum: 0 }),
});
export type RateDropSnapshot = Static<typeof RateDropSnapshotSchema>;

/** Minutes as small integers (V8 keeps them unboxed in a field; a time in ms would be a boxed double): "never". */
const NEVER_MINUTE = -(2 ** 30);
const toMinute = (ms: number) => (ms <= NEVER_MINUTE * MINUTE_MS ? NEVER_MINUTE : Math.floor(ms / MINUTE_MS));
const fromMinute = (m: number) => (m === NEVER_MINUTE ? Number.MIN_SAFE_INTEGER : m * MINUTE_MS);

/**
 * Whether rate_drop reads the windows' ring of closed one-minute buckets (issue 14, item 6: state
 * per agent) instead of keeping its own ring of minutes: with one-minute buckets and a window
 * no longer than the ring, the two hold the same counts (the open bucket is the newest minute).
 */
export function sharesWindowsRing(bucketMs: number, windowMinutes: number): boolean {
  return bucketMs === MINUTE_MS && windowMinutes <= RING;
}

/** rate_drop's own ring of per-minute counts, for bucket widths or windows the windows' ring cannot serve. */
class MinuteRing {
  /** Slot `m % length` holds minute m, for m in (head − length, head]. */
  readonly counts: Int32Array;
  head = Math.floor(Number.MIN_SAFE_INTEGER / MINUTE_MS);

  constructor(minutes: number) {
    this.counts = new Int32Array(minutes);
  }

  record(timeMs: number): void {
    const m = Math.floor(timeMs / MINUTE_MS);
    const n = this.counts.length;
    if (m > this.head) {
      for (let k = Math.max(this.head + 1, m - n + 1); k <= m; k++) this.counts[((k % n) + n) % n] = 0;
      this.head = m;
    }
    if (m > this.head - n && (this.counts[((m % n) + n) % n] as number) < 0x7fffffff) this.counts[((m % n) + n) % n]! += 1;
  }

  count(m: number): number {
    const n = this.counts.length;
    return this.counts[((m % n) + n) % n] as number;
  }
}

/**
 * What rate_drop remembers of one agent: its last event and its judgments. Its last minutes'
 * counts are the windows' ring and the open bucket (`sharesWindowsRing`), else its own ring.
 */
export class RateDropState {
  private readonly ring: MinuteRing | undefined;
  /**
   * With the windows' ring: (minute, correction) pairs for late events (older than the open
   * bucket, which counts them). rate_drop counts an event in its own minute, as its own ring
   * always did (so the tail tests and the learned dispersion stay as they were); created on an
   * agent's first late event, pruned as its minutes leave the window.
   */
  private late: number[] | undefined;
  /** The agent's latest event: a silence's alert names the last event before it. */
  lastEventId = '';
  /** Last tick judged (a multiple of judgeEveryMs), in minutes. */
  private judgedMinute = NEVER_MINUTE;
  /** Last judged time at which the drop behind the open incident still held (keeps the incident open), in minutes. */
  private heldMinute = NEVER_MINUTE;
  /**
   * The agent's own dispersion of window counts below expectation: an EWMA of 2(μ − n)²/μ over
   * judged windows with n < μ (0 above), the semivariance doubled, so a burst never blinds it.
   * About 1 for a Poisson agent; far more for one whose rate swings for tens of minutes.
   */
  dispersion = 0;
  dispersionSamples = 0;

  /** `windowMinutes`: the drop window; `bucketMs`: the engine's bucket width (whether the windows' ring serves). */
  constructor(windowMinutes: number, bucketMs: number = MINUTE_MS) {
    this.ring = sharesWindowsRing(bucketMs, windowMinutes) ? undefined : new MinuteRing(windowMinutes);
  }

  /** Last tick time judged (ms). */
  get judgedMs(): number {
    return fromMinute(this.judgedMinute);
  }

  set judgedMs(ms: number) {
    this.judgedMinute = toMinute(ms);
  }

  /** Last judged time at which the drop still held (ms). */
  get heldMs(): number {
    return fromMinute(this.heldMinute);
  }

  set heldMs(ms: number) {
    this.heldMinute = toMinute(ms);
  }

  /** Approximate heap bytes, for the memory budget (measured: bench/memory-rate-state.ts). */
  get bytes(): number {
    return 80 + (this.ring ? 270 + this.ring.counts.byteLength : 0) + (this.late ? 48 + 8 * this.late.length : 0) + this.lastEventId.length;
  }

  /** An event of `agent` (already counted in its open bucket); `windowMinutes`: the drop window. */
  record(agent: AgentBaseline, windowMinutes: number, timeMs: number, eventId: string): void {
    this.lastEventId = eventId;
    if (this.ring) this.ring.record(timeMs);
    else if (timeMs < agent.bucketStartMs) {
      const head = Math.floor(agent.bucketStartMs / MINUTE_MS);
      const m = Math.floor(timeMs / MINUTE_MS);
      // Older than the window: the event no longer counts anywhere (as in a ring of minutes).
      if (m > head - windowMinutes) this.correct(m, 1, head - windowMinutes);
      this.correct(head, -1, head - windowMinutes);
    }
  }

  /** Adds `delta` to minute `m`'s correction, dropping those at or before `oldest`. */
  private correct(m: number, delta: number, oldest: number): void {
    const late = (this.late ??= []);
    let found = false;
    let w = 0;
    for (let i = 0; i < late.length; i += 2) {
      let d = late[i + 1] as number;
      if (late[i] === m) {
        d += delta;
        found = true;
      }
      if ((late[i] as number) <= oldest || d === 0) continue;
      late[w++] = late[i] as number;
      late[w++] = d;
    }
    late.length = w;
    if (!found && m > oldest) late.push(m, delta);
    if (late.length === 0) this.late = undefined;
  }

  /** Learns from one judged window that raised nothing: a running mean at first, then an EWMA. */
  learnWindow(observed: number, expected: number): void {
    const below = observed < expected ? (2 * (expected - observed) ** 2) / expected : 0;
    const alpha = Math.max(DISPERSION_ALPHA, 1 / ++this.dispersionSamples);
    this.dispersion += alpha * (Math.min(below, MAX_DISPERSION) - this.dispersion);
  }

  /** The newest minute held: the agent's open bucket when the windows' ring serves. */
  private headMinute(agent: AgentBaseline): number {
    return this.ring ? this.ring.head : Math.floor(agent.bucketStartMs / MINUTE_MS);
  }

  /** Events counted in the agent's bucket of minute m (m ≥ head − RING). */
  private static bucketCount(agent: AgentBaseline, head: number, m: number): number {
    return m === head ? agent.bucketCount : agent.windows.closedBucket(head - m);
  }

  private minuteCount(agent: AgentBaseline, head: number, m: number): number {
    if (this.ring) return this.ring.count(m);
    let c = RateDropState.bucketCount(agent, head, m);
    const late = this.late;
    if (late) for (let i = 0; i < late.length; i += 2) if (late[i] === m) c += late[i + 1] as number;
    return c;
  }

  /** Events in the whole minutes of [fromMs, toMs) among the last `windowMinutes` (the newest: the agent's latest). */
  countBetween(agent: AgentBaseline, windowMinutes: number, fromMs: number, toMs: number): number {
    const head = this.headMinute(agent);
    const n = this.ring ? this.ring.counts.length : windowMinutes;
    const first = Math.max(Math.ceil(fromMs / MINUTE_MS), head - n + 1);
    const last = Math.min(Math.ceil(toMs / MINUTE_MS) - 1, head);
    let sum = 0;
    for (let m = first; m <= last; m++) sum += this.minuteCount(agent, head, m);
    return sum;
  }

  /**
   * The same form whichever ring holds the minutes, so snapshots read both ways: from the
   * windows' ring, all its minutes (a restore keeps the newest of them that its window needs).
   */
  snapshot(agent: AgentBaseline): RateDropSnapshot {
    const head = this.headMinute(agent);
    const n = this.ring ? this.ring.counts.length : RING;
    const minutes: number[] = [];
    for (let k = head - n + 1; k <= head; k++) minutes.push(this.minuteCount(agent, head, k));
    return {
      minutes,
      headMinute: head,
      lastEventId: this.lastEventId,
      judgedMs: this.judgedMs,
      heldMs: this.heldMs,
      dispersion: this.dispersion,
      dispersionSamples: this.dispersionSamples,
    };
  }

  /**
   * A snapshot taken with another window length keeps its newest minutes. When the windows' ring
   * serves (`agent`: restored with its windows and open bucket), what the snapshot's minutes hold
   * beyond them (late events) becomes corrections.
   */
  static restore(s: RateDropSnapshot, windowMinutes: number, bucketMs: number = MINUTE_MS, agent?: AgentBaseline): RateDropState {
    const st = new RateDropState(windowMinutes, bucketMs);
    const ring = st.ring;
    const n = windowMinutes;
    const kept = s.minutes.slice(-n);
    if (ring) {
      ring.head = s.headMinute;
      kept.forEach((c, i) => {
        const m = s.headMinute - kept.length + 1 + i;
        ring.counts[((m % n) + n) % n] = c;
      });
    } else if (agent) {
      const head = Math.floor(agent.bucketStartMs / MINUTE_MS);
      kept.forEach((c, i) => {
        const m = s.headMinute - kept.length + 1 + i;
        if (m <= head && m > head - n) {
          const delta = c - RateDropState.bucketCount(agent, head, m);
          if (delta !== 0) st.correct(m, delta, head - n);
        }
      });
    }
    st.lastEventId = s.lastEventId;
    st.judgedMs = s.judgedMs;
    st.heldMs = s.heldMs;
    st.dispersion = s.dispersion;
    st.dispersionSamples = s.dispersionSamples;
    return st;
  }
}
