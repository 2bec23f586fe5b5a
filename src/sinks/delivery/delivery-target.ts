import type { Alert } from '../../core/alerts/alert.js';
import { DeliveryError } from '../../core/errors.js';

export { DeliveryError, type DeliveryErrorOptions } from '../../core/errors.js';

/**
 * One remote receiver of alerts (webhook, Alertmanager…), driven by a DeliveryQueue: the queue
 * persists, orders, retries and paces; a target only makes one attempt per call.
 */
export interface DeliveryTarget {
  /** The sink's configured name: the `sink` label of its metrics. */
  readonly name: string;
  /** `webhook`, `alertmanager`…: for logs. */
  readonly kind: string;
  /**
   * Delivers one alert message, resolving once the receiver has accepted it. Throws a
   * DeliveryError to say whether (and when) to retry; any other error is retried.
   * `attempt` starts at 1; the same alert may be sent again after a restart (receivers dedup on its id).
   */
  send(alert: Alert, attempt: number): Promise<void>;
  close?(): Promise<void>;
}

/** Statuses that refuse this one alert (its body), not the endpoint: retrying the same bytes cannot help. */
const REFUSED = new Set([400, 413, 415, 422]);

/**
 * How an HTTP response status reads for delivery: 2xx delivered; 410 Gone disables the sink;
 * 400, 413, 415 and 422 refuse this alert (it is set aside, the next one goes); anything else
 * (408, 429, 5xx, but also 401, 403, 404, 3xx: an endpoint or credentials being fixed) is retried
 * with backoff, so the alerts wait rather than being lost.
 */
export function deliveryErrorForStatus(target: string, status: number, retryAfterMs?: number, detail = ''): DeliveryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const what = `${target} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 410) return new DeliveryError(`${what} (gone: sink disabled until its configuration is fixed)`, { retryable: false, disable: true, status });
  return new DeliveryError(what, { retryable: !REFUSED.has(status), status, ...(retryAfterMs !== undefined && { retryAfterMs }) });
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
