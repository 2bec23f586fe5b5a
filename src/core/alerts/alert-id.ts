import { createHash } from 'node:crypto';

/**
 * Deterministic alert id: the same anomaly in a replay (or a re-delivery after a restart) gets
 * the same id, so downstream systems can deduplicate. Derived from what defines the incident:
 * agent, detector and the event that opened it.
 */
export function alertId(agentId: string, detector: string, eventId: string): string {
  return createHash('sha256').update(agentId).update('\0').update(detector).update('\0').update(eventId).digest('hex').slice(0, 32);
}
