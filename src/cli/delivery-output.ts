import type { AlertRouter } from '../sinks/alert-router.js';
import { type DeliveryLog, DeliveryQueue } from '../sinks/delivery/delivery-queue.js';

const describe = (fields?: Record<string, unknown>) =>
  fields && Object.keys(fields).length
    ? ` (${Object.entries(fields)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ')})`
    : '';

/** Delivery news of a command run by a person (replay): one plain line each on stderr. */
export const stderrDeliveryLog: DeliveryLog = {
  info: (msg, fields) => process.stderr.write(`agentwatch: ${msg}${describe(fields)}\n`),
  warn: (msg, fields) => process.stderr.write(`agentwatch: warning: ${msg}${describe(fields)}\n`),
};

/** One line per queued sink after a replay: delivered, set aside, still queued. */
export function formatDeliveries(router: AlertRouter): string[] {
  return router.sinks
    .map((s) => s.sink)
    .filter((s): s is DeliveryQueue => s instanceof DeliveryQueue)
    .map(
      (q) =>
        `Sink ${q.name}: ${q.delivered} delivered${q.failed ? `, ${q.failed} set aside` : ''}${q.queued ? `, ${q.queued} still queued (sent on the next start)` : ''}${q.disabled ? ', disabled (410 Gone)' : ''}`,
    );
}
