import { type Static, Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { EngineContext } from '../engine-context.js';
import type { FindingPattern } from '../feedback/finding-pattern.js';
import { RING } from '../baselines/rate-windows.js';
import { countLowerTail, countZeroChance } from '../stats/negative-binomial.js';
import { WEEKDAY_NAMES, hourOfWeek, timezoneOffsetMs } from '../time/timezone.js';
import { type Detector, DetectorName, type Finding, clampScore } from './detector.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 86_400_000;
/** The expectation of a gap is summed over at most its last day: evidence enough, and a bounded cost per judgment. */
const MAX_LOOKBACK_MS = 86_400_000;
/** Weight of each judged window in the learned dispersion once warm: a half-life of about 140 windows (12 h of judgments). */
const DISPERSION_ALPHA = 0.005;
/** One window's contribution is capped, so a single odd window cannot blind the detector for days. */
const MAX_DISPERSION = 1000;

// ---------------------------------------------------------------------------------------------
// Settings: composed into the engine settings as `engine.rateDrop` (engine-settings.ts).

export const RateDropSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    tailProbability: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.01,
      default: 1e-7,
      description: "Fire when the chance of so few events (none, for a silence) under the agent's hour-of-week history is below this.",
    }),
    minExpectedEvents: Type.Number({ minimum: 1, default: 10, description: 'Never judge a gap or window in which fewer events than this were expected.' }),
    windowMs: Type.Integer({
      minimum: 5 * MINUTE_MS,
      maximum: HOUR_MS,
      multipleOf: MINUTE_MS,
      default: 15 * MINUTE_MS,
      description: 'Window of the drop test (an agent still sending, far less than usual).',
    }),
    dropFraction: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.25,
      description: 'A window is a drop only at or below this share of its expected count.',
    }),
    dispersion: Type.Number({
      minimum: 1,
      maximum: 100,
      default: 2,
      description:
        "Least variance over mean of event counts assumed for the tail test (1: Poisson); the agent's own, learned from its windows below expectation, replaces it when larger.",
    }),
    judgeEveryMs: Type.Integer({
      minimum: MINUTE_MS,
      maximum: HOUR_MS,
      multipleOf: MINUTE_MS,
      default: 5 * MINUTE_MS,
      description: 'Each agent is judged on the whole multiples of this of event time (the fleet-wide tick).',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type RateDropSettings = Static<typeof RateDropSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// State: `agent.rateDrop`, created on the agent's first event; its snapshot is `rateDrop`.

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

// ---------------------------------------------------------------------------------------------
// Expectation: the agent's hour-of-week profile in its own time zone.

/**
 * Events expected in [fromMs, toMs): each local hour contributes the smallest weekly count of
 * itself and its two neighbours (pro rata of the part covered), so the edges of business hours,
 * a job that drifts across an hour, and an undeclared zone's daylight-saving shift never count as
 * expected activity; hours never observed count as none.
 */
export function expectedBetween(agent: AgentBaseline, fromMs: number, toMs: number): number {
  let sum = 0;
  for (let t = fromMs; t < toMs;) {
    const offset = timezoneOffsetMs(agent.timezone, t);
    const local = t + offset;
    const next = Math.min(toMs, t + HOUR_MS - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS));
    const slot = hourOfWeek(local);
    let low = Number.POSITIVE_INFINITY;
    for (let d = -1; d <= 1; d++) {
      const v = agent.profile.weekly((slot + d + 168) % 168);
      low = Math.min(low, Number.isNaN(v) ? 0 : v);
    }
    sum += (low * (next - t)) / HOUR_MS;
    t = next;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// The check: on events it only counts; the fleet-wide tick judges.

interface Judgment {
  kind: 'silence' | 'drop';
  fromMs: number;
  toMs: number;
  observed: number;
  expected: number;
  chance: number;
  dispersion: number;
}

/** The last `windowMs` before `atMs`: events seen and expected. */
function windowAt(r: RateDropSettings, agent: AgentBaseline, s: RateDropState, atMs: number): { fromMs: number; observed: number; expected: number } {
  const fromMs = atMs - r.windowMs;
  const expected = expectedBetween(agent, fromMs, atMs);
  // Below the minimum the count is never used: most judgments of quiet agents stop here.
  return { fromMs, observed: expected >= r.minExpectedEvents ? s.countBetween(agent, r.windowMs / MINUTE_MS, fromMs, atMs) : 0, expected };
}

function judge(
  r: RateDropSettings,
  agent: AgentBaseline,
  phi: number,
  w: { fromMs: number; observed: number; expected: number },
  atMs: number,
): Judgment | undefined {
  const gapFrom = Math.max(agent.lastSeenMs + 1, atMs - MAX_LOOKBACK_MS);
  if (gapFrom < atMs) {
    const expected = expectedBetween(agent, gapFrom, atMs);
    if (expected >= r.minExpectedEvents) {
      const chance = countZeroChance(expected, phi);
      if (chance < r.tailProbability) return { kind: 'silence', fromMs: agent.lastSeenMs, toMs: atMs, observed: 0, expected, chance, dispersion: phi };
    }
  }
  if (w.expected < r.minExpectedEvents || w.observed > r.dropFraction * w.expected) return undefined;
  const chance = countLowerTail(w.observed, w.expected, phi);
  return chance < r.tailProbability
    ? { kind: 'drop', fromMs: w.fromMs, toMs: atMs, observed: w.observed, expected: w.expected, chance, dispersion: phi }
    : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

function localLabel(agent: AgentBaseline, fromMs: number, toMs: number): string {
  const tz = agent.timezone ?? 'UTC';
  const from = fromMs + timezoneOffsetMs(agent.timezone, fromMs);
  const to = toMs + timezoneOffsetMs(agent.timezone, toMs);
  const hm = (local: number) =>
    `${pad(Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS))}:${pad(Math.floor((((local % HOUR_MS) + HOUR_MS) % HOUR_MS) / MINUTE_MS))}`;
  const day = (local: number) => WEEKDAY_NAMES[Math.floor(hourOfWeek(local) / 24)] as string;
  return `${day(from)} ${hm(from)}–${day(to) === day(from) ? '' : `${day(to)} `}${hm(to)} ${tz}`;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  const h = Math.floor(minutes / 60);
  return h === 0 ? `${minutes} min` : `${h} h ${minutes % 60} min`;
}

/** "< 1e-9": the power of ten just above the chance. */
function chanceBound(p: number): string {
  return p <= 0 ? '< 1e-300' : `< 1e${Math.ceil(Math.log10(p))}`;
}

function finding(agent: AgentBaseline, r: RateDropSettings, j: Judgment): Finding {
  const window = localLabel(agent, j.fromMs, j.toMs);
  const expected = Math.round(j.expected * 10) / 10;
  const about = expected >= 10 ? Math.round(expected) : expected;
  const chance = chanceBound(j.chance);
  const what =
    j.kind === 'silence'
      ? `sent no event for ${duration(j.toMs - j.fromMs)}`
      : `sent ${j.observed} event${j.observed === 1 ? '' : 's'} in the last ${duration(j.toMs - j.fromMs)}`;
  return {
    detector: DetectorName.RateDrop,
    severity: j.kind === 'silence' ? 'medium' : 'low',
    score: clampScore(40 + 2 * -Math.log10(Math.max(j.chance, 1e-300))),
    summary: `${agent.agentId} ${what}; about ${about} expected for ${window}; chance under this agent's history ${chance}.`,
    observed: {
      kind: j.kind,
      events: j.observed,
      windowStart: new Date(j.fromMs).toISOString(),
      windowEnd: new Date(j.toMs).toISOString(),
      minutes: Math.round((j.toMs - j.fromMs) / MINUTE_MS),
    },
    expected: {
      events: expected,
      window,
      chance: Number(j.chance.toPrecision(2)),
      tailProbability: r.tailProbability,
      dispersion: Math.round(j.dispersion * 100) / 100,
    },
    evidence: agent.rateDrop?.lastEventId ? [agent.rateDrop.lastEventId] : [],
    basis: 'learned',
    ...(agent.rateDrop?.lastEventId && { eventId: agent.rateDrop.lastEventId }),
  };
}

/**
 * An agent expected to be active that goes silent or drops far below its usual rate (issue 14
 * item 3): audit logging switched off, a revoked credential, a crashed or replaced agent.
 * Judged from the engine's event-time tick, since a silent agent sends nothing to judge on:
 * - silence: no event since its last one, where its hour-of-week profile expected at least
 *   `minExpectedEvents` and P(0 | μ, φ) = φ^(−μ/(φ−1)) < tailProbability (negative binomial);
 * - drop: over the last `windowMs`, at most `dropFraction` of the expected count and
 *   P(X ≤ n | μ, φ) < tailProbability.
 * Only after a full learned week. One incident per drop: while it holds, the open incident is
 * kept open (heldUntil) rather than re-raised, and it resolves `cooldownMs` after activity returns.
 */
export const rateDrop: Detector = {
  // A literal, not DetectorName.RateDrop: engine-settings.ts imports this file for its settings
  // while detector.ts may still be loading (an import cycle through the baseline's types).
  name: 'rate_drop',
  learned: true,
  enabled: (ctx) => ctx.settings.rateDrop.enabled,
  check(ctx, agent, event) {
    const windowMinutes = ctx.settings.rateDrop.windowMs / MINUTE_MS;
    (agent.rateDrop ??= new RateDropState(windowMinutes, ctx.settings.bucketMs)).record(agent, windowMinutes, event.timeMs, event.id);
    return undefined;
  },
  tick(ctx: EngineContext, agent: AgentBaseline, nowMs: number): Finding | undefined {
    const s = agent.rateDrop;
    const r = ctx.settings.rateDrop;
    if (s === undefined) return undefined;
    const atMs = nowMs - (((nowMs % r.judgeEveryMs) + r.judgeEveryMs) % r.judgeEveryMs);
    if (atMs <= s.judgedMs) return undefined;
    s.judgedMs = atMs;
    const w = windowAt(r, agent, s, atMs);
    // Seen within a window that expects too little to judge: its gap expects even less.
    if (w.expected < r.minExpectedEvents && agent.lastSeenMs >= w.fromMs) return undefined;
    const j = agent.isLearning(ctx) || atMs - agent.firstSeenMs < WEEK_MS ? undefined : judge(r, agent, Math.max(r.dispersion, s.dispersion), w, atMs);
    if (j === undefined) {
      if (w.expected >= r.minExpectedEvents) s.learnWindow(w.observed, w.expected);
      return undefined;
    }
    const open = agent.incidents?.get(DetectorName.RateDrop);
    if (open !== undefined && open.resolved !== true) {
      s.heldMs = atMs;
      return undefined;
    }
    return finding(agent, r, j);
  },
  tickEveryMs: (ctx) => ctx.settings.rateDrop.judgeEveryMs,
  heldUntil: (agent) => agent.rateDrop?.heldMs,
  pattern(finding, agent): FindingPattern {
    const from = Date.parse(String(finding.observed['windowStart']));
    const local = from + timezoneOffsetMs(agent.timezone, from);
    return { key: `${String(finding.observed['kind'])}:${WEEKDAY_NAMES[Math.floor(hourOfWeek(local) / 24)]} ${pad(hourOfWeek(local) % 24)}` };
  },
};
