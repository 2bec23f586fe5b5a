import type { AuditEvent } from '../../src/core/events/audit-event.js';
import type { DeclaredBaselinesDocument } from '../../src/core/baselines/declared-baselines-schema.js';
import { DAY, HOUR, MINUTE, T0, event, merge, traffic } from './traffic.js';

/**
 * A fleet stopped at CUT with every detector's state live: rate_spike mid-spike (flagged bucket,
 * learned burstiness), error_rate mid-probe, off_hours mid-burst in an idle hour, policy_violation
 * flagged in a declared-inactive hour, new_permission, new_sensitive_resource and a pending place
 * of multi_location. Its snapshot, written by the build before issue 18 item 4 moved the
 * detectors' state into their files, is test/core/baselines/fixtures/agent-snapshot-v1.json.
 */
export const scenarioDeclared: DeclaredBaselinesDocument = {
  sensitive: [{ pattern: 'vault/*', label: 'secrets' }],
  agents: [
    { match: { agentId: 'office' }, timezone: 'Europe/London' },
    { match: { agentId: 'shift' }, timezone: 'UTC', activeHours: ['Mon-Fri 08:00-18:00'] },
  ],
};

/** Thursday 19:00 UTC: after hours for `office` (idle) and, by its declaration only, for `shift`. */
const EVENING = T0 + 10 * DAY + 19 * HOUR;
/** Mid-spike, mid-probe, mid-evening-burst, a foreign place pending. */
export const SCENARIO_CUT = EVENING + 3 * MINUTE + 17_000;

/** Ids are numbered here, not by event()'s counter: the fixture's evidence must not depend on the tests run before. */
export function scenarioEvents(): AuditEvent[] {
  const home = { ip: '52.23.1.10', region: 'us-east-1', country: 'US' };
  const weekdays = (from: number, to: number, rate: number) => (t: number) => {
    const d = new Date(t);
    return (d.getUTCDay() + 6) % 7 < 5 && d.getUTCHours() >= from && d.getUTCHours() < to ? rate : 0;
  };
  const events = merge(
    traffic('steady', T0, T0 + 14 * DAY, () => 6, 1, { source: home }),
    traffic('shift', T0, T0 + 14 * DAY, weekdays(8, 20, 1), 5),
    traffic('office', T0, T0 + 14 * DAY, weekdays(8, 17, 5), 2),
    [
      event('steady', T0 + 2 * HOUR, { category: 'permission_request', permission: 'queue.send' }),
      event('steady', T0 + 9 * DAY, { category: 'resource_access', resource: 'vault/old' }),
      event('steady', EVENING + 2 * HOUR, { category: 'permission_request', permission: 'kms.decrypt' }),
      event('steady', EVENING + 3 * HOUR, { category: 'resource_access', resource: 'vault/new' }),
    ],
    Array.from({ length: 30 }, (_, i) => event('steady', EVENING + 2 * MINUTE + i * 5_000, { action: `iam.list${i % 4}`, outcome: 'denied', source: home })),
    traffic('steady', EVENING, EVENING + 8 * MINUTE, () => 90, 3, { source: home }),
    traffic('steady', EVENING + 3 * MINUTE, EVENING + 9 * MINUTE, () => 2, 9, { source: { ip: '191.232.71.199', region: 'brazilsouth', country: 'BR' } }),
    Array.from({ length: 25 }, (_, i) => event('office', EVENING + i * 10_000)),
    traffic('shift', EVENING, EVENING + 4 * MINUTE, () => 4, 7),
  );
  return events.map((e, i) => ({ ...e, id: `${e.agentId}-${i}` }));
}
