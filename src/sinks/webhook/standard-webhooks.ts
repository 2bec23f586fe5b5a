import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../../core/errors.js';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): each request carries `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret (two while rotating).
 * Secrets are `whsec_` followed by the base64 key. Receivers can use this module or any
 * Standard Webhooks library.
 */
export const WebhookHeader = { Id: 'webhook-id', Timestamp: 'webhook-timestamp', Signature: 'webhook-signature' } as const;

/** How far a timestamp may be from the receiver's clock (the specification's recommendation). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';

export { WebhookVerificationError } from '../../core/errors.js';

/** The key bytes of a `whsec_…` secret. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new WebhookVerificationError('a webhook secret must be whsec_ followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new WebhookVerificationError(`a webhook secret must hold at least 16 bytes of key (got ${key.length})`);
  return key;
}

/** The base64 HMAC-SHA256 of `id.timestamp.body` under one key. */
function hmac(key: Buffer, id: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** The `webhook-signature` value: one `v1,<signature>` per secret, space-separated. */
export function signWebhook(secrets: readonly string[], id: string, timestamp: number, body: string | Buffer): string {
  return secrets.map((s) => `v1,${hmac(secretKey(s), id, timestamp, body)}`).join(' ');
}

/** The three headers of one request, signed now. */
export function webhookHeaders(secrets: readonly string[], id: string, body: string | Buffer, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = { [WebhookHeader.Id]: id, [WebhookHeader.Timestamp]: String(timestamp) };
  if (secrets.length > 0) headers[WebhookHeader.Signature] = signWebhook(secrets, id, timestamp, body);
  return headers;
}

type Headers = Record<string, string | readonly string[] | undefined>;

function header(headers: Headers, name: string): string {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const one = Array.isArray(value) ? value[0] : value;
  if (typeof one !== 'string' || one === '') throw new WebhookVerificationError(`missing ${name} header`);
  return one;
}

export interface VerifyOptions {
  /** The receiver's clock (default now). */
  nowMs?: number;
  toleranceSeconds?: number;
}

/**
 * Verifies a received request against the receiver's secrets (any one may match: rotation).
 * `body` must be the raw bytes received, before any JSON parsing. Throws
 * WebhookVerificationError saying why; returns the message id (deduplicate on it).
 */
export function verifyWebhook(secrets: string | readonly string[], headers: Headers, body: string | Buffer, opts: VerifyOptions = {}): string {
  const id = header(headers, WebhookHeader.Id);
  const rawTimestamp = header(headers, WebhookHeader.Timestamp);
  const signatures = header(headers, WebhookHeader.Signature);
  if (!/^\d{1,12}$/.test(rawTimestamp)) throw new WebhookVerificationError('webhook-timestamp is not a Unix time in seconds');
  const timestamp = Number(rawTimestamp);
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance) throw new WebhookVerificationError(`webhook-timestamp is too old (${now - timestamp} s; tolerance ${tolerance} s)`);
  if (timestamp > now + tolerance)
    throw new WebhookVerificationError(`webhook-timestamp is too far in the future (${timestamp - now} s; tolerance ${tolerance} s)`);
  const offered = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter(([version, value]) => version === 'v1' && value !== undefined)
    .map(([, value]) => Buffer.from(value as string, 'base64'));
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = Buffer.from(hmac(secretKey(secret), id, timestamp, body), 'base64');
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) return id;
  }
  throw new WebhookVerificationError('no webhook-signature matches (wrong secret, or the body was changed)');
}
