import type { Alert } from '../../core/alerts/alert.js';
import { DeliveryError } from '../../core/errors.js';
import { agentwatchVersion } from '../../version.js';
import { type DeliveryTarget, deliveryErrorForStatus, parseRetryAfter } from '../delivery/delivery-target.js';
import type { WebhookPreset } from './webhook-preset.js';
import { slackMessage } from './slack-message.js';
import { webhookHeaders } from './standard-webhooks.js';
import { teamsMessage } from './teams-message.js';

export { WebhookPreset } from './webhook-preset.js';

export interface WebhookTargetOptions {
  name: string;
  url: string;
  preset: WebhookPreset;
  /** `whsec_…`; several while rotating. Empty: unsigned (Slack and Teams do not verify). */
  secrets: readonly string[];
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
  /** Wall clock of the signatures (tests). */
  now?: () => number;
}

const BODIES: Record<WebhookPreset, (alert: Alert) => unknown> = {
  standard: (alert) => alert,
  slack: slackMessage,
  teams: teamsMessage,
};

/**
 * The message id of one alert message: the alert id plus its lifecycle revision, so that a retry
 * (or a re-delivery after a restart) carries the same id and receivers can deduplicate on it,
 * while the update and the resolution of one incident are distinct messages.
 */
export function webhookMessageId(alert: Alert): string {
  return `${alert.id}.${alert.episode?.revision ?? 0}`;
}

/** One POST per alert message, signed per Standard Webhooks; the status decides retry or not. */
export class WebhookTarget implements DeliveryTarget {
  readonly kind = 'webhook';
  readonly name: string;
  /** For messages: scheme and host only (the path of a Slack or Teams URL is a secret). */
  private readonly where: string;
  private readonly aborter = new AbortController();

  constructor(private readonly opts: WebhookTargetOptions) {
    this.name = opts.name;
    this.where = `webhook ${opts.name} (${new URL(opts.url).origin})`;
  }

  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(BODIES[this.opts.preset](alert));
    const headers = {
      ...this.opts.headers,
      'content-type': 'application/json',
      'user-agent': `agentwatch/${agentwatchVersion()}`,
      ...webhookHeaders(this.opts.secrets, webhookMessageId(alert), body, (this.opts.now ?? Date.now)()),
    };
    let response: Response;
    try {
      response = await fetch(this.opts.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.aborter.signal]),
      });
    } catch (cause) {
      const err = cause as Error;
      const reason = err.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : describeNetworkError(err);
      throw new DeliveryError(`${this.where}: ${reason}`, { retryable: true, cause });
    }
    // Read (and bound) the body so the connection can be reused; its start explains a refusal.
    const text = await response.text().catch(() => '');
    const failure = deliveryErrorForStatus(
      this.where,
      response.status,
      parseRetryAfter(response.headers.get('retry-after'), Date.now()),
      text.slice(0, 200).replace(/\s+/g, ' ').trim(),
    );
    if (failure) throw failure;
  }

  /** Abandons a request in flight (shutdown): its alert stays queued and is sent again next start. */
  async close(): Promise<void> {
    this.aborter.abort();
  }
}

function describeNetworkError(err: Error): string {
  const code = (err.cause as { code?: string } | undefined)?.code;
  return code ? `${code} (${(err.cause as Error).message})` : err.message;
}
