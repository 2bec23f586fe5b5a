import type { Alert } from '../../src/core/alerts/alert.js';
import type { Engine } from '../../src/core/engine.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, merge, traffic } from './traffic.js';

/**
 * A fleet for rate_drop and the rate windows' state (issue 14, item 6): a busy agent whose rate
 * falls to an eighth for an hour, an agent silent for four hours, and two clocks; one event in
 * 211 of the first two arrives 2–8 minutes late (after the engine's bucket moved on). Event ids
 * are numbered within the fleet, so a snapshot fixture written by another build matches them.
 */
export const RATE_STATE_END = T0 + 12 * DAY;
export const RATE_STATE_DROP = T0 + 10 * DAY + 14 * HOUR;
export const RATE_STATE_SILENCE = T0 + 9 * DAY + 9 * HOUR + 17 * MINUTE;
/** Where the fixture's snapshot was taken: inside the silence, after its alert, 10 minutes after a late event of `busy`. */
export const RATE_STATE_CUT = RATE_STATE_SILENCE + 93 * MINUTE;

/** Engine settings the fixture's alerts were recorded with: rate_drop on the windows' ring, and on its own ring. */
export const RATE_STATE_CONFIGS: Record<string, unknown> = {
  default: {},
  'bucket 30 s': { bucketMs: 30_000 },
  'drop window 30 min': { rateDrop: { windowMs: 30 * MINUTE } },
};

export function rateStateFleet(): AuditEvent[] {
  const end = RATE_STATE_END;
  const events = merge(
    traffic('busy', T0, end, (t) => (t >= RATE_STATE_DROP && t < RATE_STATE_DROP + HOUR ? 1 : 8), 9),
    traffic('svc-1', T0, end, () => 2, 7).filter((e) => e.timeMs < RATE_STATE_SILENCE || e.timeMs >= RATE_STATE_SILENCE + 4 * HOUR),
    traffic('clock-a', T0, end, () => 1, 101),
    traffic('clock-b', T0, end, () => 1, 102),
  );
  const arrival = (e: AuditEvent, i: number) =>
    e.timeMs + (e.agentId !== 'clock-a' && e.agentId !== 'clock-b' && i % 211 === 0 ? 2 * MINUTE + (i % 360) * 1000 : 0);
  return events
    .map((e, i) => ({ e: { ...e, id: `${e.agentId}-${i}` }, at: arrival(e, i) }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.e);
}

/** Every message, the engine ticked by each event's time as a replay's watermark would. */
export function runTicking(engine: Engine, events: readonly AuditEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) {
    out.push(...engine.process(e, e.timeMs));
    out.push(...engine.tick(e.timeMs, e.timeMs));
  }
  return out;
}

/** The fleet in arrival order before and from the first event at or after the cut (late ones before it may follow). */
export function splitAtCut(events: readonly AuditEvent[]): [AuditEvent[], AuditEvent[]] {
  const k = events.findIndex((e) => e.timeMs >= RATE_STATE_CUT);
  return [events.slice(0, k), events.slice(k)];
}
