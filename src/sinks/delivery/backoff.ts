import type { DeliveryError } from '../../core/errors.js';

export interface BackoffSettings {
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** A receiver may ask for a long pause, but not for one that outlives any sensible outage. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The pause before attempt `failures + 1`: exponential backoff with full jitter (a random pause
 * below min(max, initial × 2^(failures-1))), so that instances do not retry in step; at least what
 * the receiver's Retry-After asked for.
 */
export function retryDelayMs(failures: number, settings: BackoffSettings, error: DeliveryError | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** Math.min(failures - 1, 40));
  const jittered = Math.floor(random() * ceiling);
  const asked = error?.retryAfterMs;
  return asked === undefined ? jittered : Math.max(jittered, Math.min(asked, MAX_RETRY_AFTER_MS));
}
