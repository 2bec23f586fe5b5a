import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, merge, traffic } from './traffic.js';

/** An export job at 10 calls/min that bursts to ~120/min at 14:00 on days 9 and 10 (feedback scenario). */
export const BURST_DAY9 = T0 + 9 * DAY + 14 * HOUR;
export const BURST_DAY10 = T0 + 10 * DAY + 14 * HOUR;

export function exporterBursts(): AuditEvent[] {
  return merge(
    traffic('spn:exporter', T0, T0 + 11 * DAY, () => 10, 1),
    traffic('spn:exporter', BURST_DAY9, BURST_DAY9 + 5 * MINUTE, () => 120, 2),
    traffic('spn:exporter', BURST_DAY10, BURST_DAY10 + 5 * MINUTE, () => 115, 3),
  );
}

/** Native JSON lines (DESIGN.md event format). */
export function toLines(events: readonly AuditEvent[]): string[] {
  return events.map((e) =>
    JSON.stringify({ id: e.id, time: new Date(e.timeMs).toISOString(), agentId: e.agentId, category: e.category, action: e.action, outcome: e.outcome }),
  );
}
