import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, event, merge } from './traffic.js';

/** Monday 2026-03-02 + 11 days: Friday 2026-03-13, the last day of the known fleet. */
export const LAST_DAY = T0 + 11 * DAY;
/** The burst that ends it: one minute of 100 events by bot-1 (an open rate_spike incident). */
export const BURST_AT = LAST_DAY + 17 * HOUR + 30 * MINUTE;
export const YOUNG_FROM = LAST_DAY + 10 * HOUR;

/**
 * A fleet whose baselines are known by construction: bot-1 and bot-2 (class etl) work weekdays
 * 09:00–17:00 UTC, 6 events a minute, 12 every fifth minute (so p50 6, p90 and p99 12, 432 events
 * an hour); bot-1 reads s3://a, s3://b, s3://c (and s3://old on the first day only), requests
 * storage.read once an hour and kv.get once on day 10, from westeurope (NL); then a burst.
 * `young` appears on the last day with 20 events (still learning).
 */
export function knownFleetEvents(): AuditEvent[] {
  const bots: AuditEvent[] = [];
  for (let day = 0; day <= 11; day++) {
    const weekday = day % 7;
    if (weekday >= 5) continue;
    for (let m = 9 * 60; m < 17 * 60; m++) {
      const minute = T0 + day * DAY + m * MINUTE;
      const n = m % 5 === 0 ? 12 : 6;
      for (const agentId of ['bot-1', 'bot-2']) {
        for (let i = 0; i < n; i++) {
          const t = minute + Math.floor((i * MINUTE) / n);
          const source = { region: 'westeurope', country: 'NL' };
          let extra: Partial<AuditEvent> = {
            agentClass: 'etl',
            category: 'resource_access',
            resource: ['s3://a', 's3://b', 's3://c'][i % 3] as string,
            source,
          };
          if (agentId === 'bot-1' && day === 0 && m === 9 * 60 + 30 && i === 0) extra = { ...extra, resource: 's3://old' };
          if (i === 1 && m % 60 === 0) extra = { agentClass: 'etl', category: 'permission_request', action: 'iam.request', permission: 'storage.read', source };
          if (agentId === 'bot-1' && day === 10 && m === 11 * 60 && i === 1) extra = { ...extra, permission: 'kv.get' };
          bots.push(event(agentId, t, extra));
        }
      }
    }
  }
  const young = Array.from({ length: 20 }, (_, i) => event('young', YOUNG_FROM + i * MINUTE, { agentClass: 'etl' }));
  const burst = Array.from({ length: 100 }, (_, i) =>
    event('bot-1', BURST_AT + i * 500, { agentClass: 'etl', category: 'resource_access', resource: 's3://a', source: { region: 'westeurope', country: 'NL' } }),
  );
  return merge(bots, young, burst);
}
