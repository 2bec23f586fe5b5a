import type { Outcome } from '../../core/events/audit-event.js';
import { num, str } from '../record-fields.js';

/**
 * Entra sign-in error codes that mean "refused by policy or authorization" rather than "could not
 * authenticate". A refusal is `denied` (someone said no: Conditional Access, an unassigned or
 * disabled app, missing consent, a lock-out); a bad or expired secret or certificate (7000215,
 * 7000222, 700027, 50126) is `failure`. Both count towards error_rate; denials also mark a
 * resource as probed.
 */
const DENIED_CODES = new Set([
  50053, // account locked (too many attempts)
  50057, // account disabled
  50097, // device authentication required
  50105, // not assigned to a role for the application
  53000,
  53001,
  53002,
  53003,
  53004, // Conditional Access: device, compliance, app, blocked, MFA set-up
  530032, // blocked by security defaults / policy
  65001, // consent required and not granted
  7000112, // application disabled
]);

export function signInOutcome(errorCode: unknown, conditionalAccessStatus: unknown): Outcome {
  const code = num(errorCode);
  const ca = str(conditionalAccessStatus)?.toLowerCase();
  if (ca === 'failure') return 'denied';
  if (code === undefined) {
    const text = str(errorCode)?.toLowerCase();
    if (text === undefined || text === 'success') return 'success';
    return 'failure';
  }
  if (code === 0) return 'success';
  return DENIED_CODES.has(code) ? 'denied' : 'failure';
}

const DENIED_REASON = /insufficient|privilege|not authori[sz]ed|unauthori[sz]ed|forbidden|denied|not allowed|consent/i;

/** Audit log `result` (success | failure | timeout | unknownFutureValue) with its `resultReason`. */
export function auditOutcome(result: unknown, reason: unknown): Outcome {
  const r = str(result)?.toLowerCase();
  if (r === undefined || r === 'success' || r === 'none') return 'success';
  const why = str(reason);
  return why !== undefined && DENIED_REASON.test(why) ? 'denied' : 'failure';
}
