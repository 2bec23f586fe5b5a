import { InvalidEventError } from '../../core/errors.js';
import { type RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { entraRecords, isEntraValue, mapEntraRecord } from './entra-record.js';

/** Microsoft Entra ID sign-in and audit logs (diagnostic settings / Event Hubs, Log Analytics rows). See docs/formats.md. */
export const entraFormat = {
  name: 'entra',
  description: 'Microsoft Entra ID workload sign-ins and audit logs ({"records":[…]} from diagnostic settings / Event Hubs, or Log Analytics rows)',
  detect: isEntraValue,
  *toEvents(value: unknown): Iterable<RawAuditEvent | InvalidEventError> {
    for (const record of entraRecords(value)) {
      try {
        yield* mapEntraRecord(record);
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield err;
      }
    }
  },
} as const;
