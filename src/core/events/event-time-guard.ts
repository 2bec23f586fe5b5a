import { InvalidEventError, RejectReason } from '../errors.js';
import { StreamWatermark } from './stream-watermark.js';

export interface EventTimeLimits {
  /** Events further ahead of the stream (and, live, of the wall clock) are rejected. */
  maxAheadMs: number;
  /** Events older than this behind the stream (and, live, the wall clock) are rejected. */
  maxAgeMs: number;
  /** Nothing before this is an audit event of an agent (epoch 0, a zeroed clock). */
  earliestMs: number;
  /** Live: events older than this by the wall clock are rejected (Infinity: no bound). */
  maxWallClockAgeMs: number;
}

/**
 * Decides whether an event's time can be trusted before it reaches the reorder buffer or the
 * engine (issue 12: one record dated 9999-12-31 once evicted every baseline, and made every
 * later event "late"). An event is accepted within `maxAheadMs` ahead of and `maxAgeMs` behind
 * the latest accepted time (live: and of the wall clock). A rejected event moves no clock.
 *
 * A real gap in the stream (a fleet silent for days, two exports back to back) is not an
 * outlier: a jump past the window is taken once a second agent confirms it (an event within the
 * window of the first jump's time), so one agent can never move the stream on its own.
 */
export class EventTimeGuard {
  /** Fed with accepted events only: the reorder buffer's and the partition's clock. */
  readonly watermark = new StreamWatermark();
  private latestMs = Number.NEGATIVE_INFINITY;
  private jumpAgent: string | undefined;
  private jumpMs = 0;

  constructor(private readonly limits: EventTimeLimits) {}

  /** The stream clock after the accepted events (see StreamWatermark.clockMs). */
  get clockMs(): number {
    return this.watermark.clockMs;
  }

  /**
   * A new source begins (the next file of a replay): its times are judged afresh, since separate
   * captures or exports may be years apart and in any order (the Stratus Red Team detonations
   * are). The stream clocks are kept: events older than them are late, not lost.
   */
  startSource(): void {
    this.latestMs = Number.NEGATIVE_INFINITY;
    this.jumpAgent = undefined;
  }

  /** Undefined when the event's time is acceptable (and then observed), else the error to reject it with. */
  check(agentId: string, timeMs: number, wallMs?: number): InvalidEventError | undefined {
    const { maxAheadMs, maxAgeMs, earliestMs, maxWallClockAgeMs } = this.limits;
    if (!(timeMs >= earliestMs)) return outOfRange(timeMs, `before ${iso(earliestMs)}, the earliest time accepted (input.earliestEventTime)`);
    if (wallMs !== undefined) {
      if (timeMs > wallMs + maxAheadMs)
        return outOfRange(timeMs, `${span(timeMs - wallMs)} ahead of this machine's clock (input.maxAheadMs: ${span(maxAheadMs)})`);
      if (timeMs < wallMs - maxWallClockAgeMs)
        return outOfRange(timeMs, `${span(wallMs - timeMs)} old by this machine's clock (input.maxWallClockAgeMs: ${span(maxWallClockAgeMs)})`);
    }
    const latest = this.latestMs;
    if (latest !== Number.NEGATIVE_INFINITY) {
      if (timeMs > latest + maxAheadMs && !this.confirmsJump(agentId, timeMs)) {
        return outOfRange(timeMs, `${span(timeMs - latest)} ahead of the stream (latest ${iso(latest)}; input.maxAheadMs: ${span(maxAheadMs)})`);
      }
      if (timeMs < latest - maxAgeMs)
        return outOfRange(timeMs, `${span(latest - timeMs)} behind the stream (latest ${iso(latest)}; input.maxAgeMs: ${span(maxAgeMs)})`);
    }
    if (timeMs > this.latestMs) this.latestMs = timeMs;
    this.watermark.observe(agentId, timeMs);
    return undefined;
  }

  /** True when another agent already jumped to about this time; else this one is remembered as the jump to confirm. */
  private confirmsJump(agentId: string, timeMs: number): boolean {
    if (this.jumpAgent !== undefined && this.jumpAgent !== agentId && Math.abs(timeMs - this.jumpMs) <= this.limits.maxAheadMs) {
      this.jumpAgent = undefined;
      return true;
    }
    this.jumpAgent = agentId;
    this.jumpMs = timeMs;
    return false;
  }
}

function outOfRange(timeMs: number, why: string): InvalidEventError {
  return new InvalidEventError(RejectReason.TimeOutOfRange, `event time ${iso(timeMs)} is ${why}`);
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function span(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${Math.round(h / 24)} days` : `${Math.round(h * 10) / 10} h`;
}
