import type { Outcome } from '../../core/events/audit-event.js';
import { type JsonObject, obj, str } from '../record-fields.js';

const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|NotAuthorized|Forbidden/i;

/**
 * `errorCode` to the outcome: an authorization refusal (AccessDenied, Client.UnauthorizedOperation,
 * *NotAuthorized*…) is `denied`; any other error (throttling, a missing resource, a bad
 * parameter) is `failure`. A console sign-in reports failure in its response instead.
 */
export function outcomeOf(record: JsonObject): Outcome {
  const errorCode = str(record['errorCode']);
  if (errorCode !== undefined) return DENIED.test(errorCode) ? 'denied' : 'failure';
  const login = str(obj(record['responseElements'])?.['ConsoleLogin']);
  if (login !== undefined && login !== 'Success') return 'failure';
  return 'success';
}
