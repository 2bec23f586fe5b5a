import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { isObject } from '../record-fields.js';

/**
 * The native format as one more entry of the registry, for detection and for whole-document
 * inputs (a JSON array of native events). Native lines never come through here: they keep the
 * fast path of decodeAuditEvent.
 */
export const nativeFormat = {
  name: 'native',
  description: 'agentwatch native audit events (DESIGN.md), one per line or a JSON array',
  detect(value: unknown): boolean {
    return isObject(value) && typeof value['agentId'] === 'string' && typeof value['category'] === 'string' && value['action'] !== undefined;
  },
  *toEvents(value: unknown): Iterable<RawAuditEvent> {
    // Validation happens afterwards against the native schema, which reports what is wrong.
    yield value as RawAuditEvent;
  },
} as const;
