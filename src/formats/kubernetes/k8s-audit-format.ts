import { InvalidEventError } from '../../core/errors.js';
import type { NativeEventInput, SkippedRecord } from '../log-format.js';
import { isObject } from '../record-fields.js';
import { isK8sAuditEvent, mapK8sAuditEvent } from './k8s-audit-event.js';

/** An EventList (`kubectl get --raw` of a webhook batch) holds its Events in `items`. */
function isEventList(value: unknown): value is { items: unknown[] } {
  return isObject(value) && value['kind'] === 'EventList' && Array.isArray(value['items']);
}

/** Kubernetes audit log: audit.k8s.io Events, one per line (log backend) or an EventList (webhook backend). See docs/formats.md. */
export const k8sAuditFormat = {
  name: 'k8s-audit',
  description: 'Kubernetes audit.k8s.io/v1 Events, one per line (log backend) or an EventList (webhook backend)',
  detect: (value: unknown): boolean => isK8sAuditEvent(value) || (isEventList(value) && isK8sAuditEvent(value.items.find(isObject))),
  *toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError | SkippedRecord> {
    for (const event of isEventList(value) ? value.items : [value]) {
      try {
        yield mapK8sAuditEvent(event);
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield err;
      }
    }
  },
} as const;
