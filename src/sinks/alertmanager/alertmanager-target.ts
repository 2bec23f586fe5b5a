import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Alert } from '../../core/alerts/alert.js';
import { DeliveryError, InvalidConfigError } from '../../core/errors.js';
import type { ReloadMetrics } from '../../telemetry/reload-metrics.js';
import { type DeliveryTarget, deliveryErrorForStatus, parseRetryAfter } from '../delivery/delivery-target.js';
import { type PostableAlert, alertmanagerLabels, toPostableAlert } from './alertmanager-alert.js';
import { type AlertmanagerMetrics, noopAlertmanagerMetrics } from './alertmanager-metrics.js';
import { OpenAlertsJournal, type TrackedAlert } from './open-alerts-journal.js';

export const DEFAULT_RESEND_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_OPEN_ALERTS = 10_000;
/** No message about an open incident for this long: the engine will not close it (see maxSilenceMs). */
export const DEFAULT_MAX_SILENCE_MS = 2 * 3_600_000;
/** Open alerts expire this many re-send intervals after the last post: two lost rounds are tolerated. */
export const TTL_RESEND_INTERVALS = 3;
const MAX_ALERTS_PER_POST = 1000;

export type AlertmanagerAuth = { username: string; password: string } | { bearerToken: string };

export interface AlertmanagerTargetOptions {
  /** The sink's configured name (metrics label). */
  name: string;
  /** Alertmanager's base URL (http or https, with its route prefix if any): `/api/v2/alerts` is appended. */
  url: string;
  resendIntervalMs?: number;
  /** See AlertmanagerMappingOptions.generatorUrl. */
  generatorUrl?: string;
  auth?: AlertmanagerAuth;
  /** Extra request headers (e.g. a tenant header of a multi-tenant Alertmanager); auth wins over them. */
  headers?: Record<string, string>;
  /** PEM certificates to trust for https (a private CA), in addition to the system's. */
  ca?: string;
  timeoutMs?: number;
  /** Bound on the open alerts kept firing by re-sends (oldest dropped first, counted). */
  maxOpenAlerts?: number;
  /**
   * An open incident with no message (update, resolution) for this long, wall clock, stops being
   * re-sent and expires in Alertmanager: the engine is not going to resolve it (episodes.resolve
   * off, an input partition that went quiet). 0: never.
   */
  maxSilenceMs?: number;
  metrics?: AlertmanagerMetrics;
  /** Counts journal entries dropped as unreadable or invalid when the open alerts are read back. */
  reloadMetrics?: ReloadMetrics;
  /** A re-send round failed (the next round retries); for logs. */
  onResendError?: (err: DeliveryError) => void;
  /**
   * Where the open alerts are remembered across restarts (`agentwatch run`: in the sink's queue
   * folder), so a restarted instance goes on re-sending them. None: in memory only.
   */
  stateFile?: string;
  /** Problems that do not stop delivery (the state file cannot be written); for logs. */
  warn?: (msg: string) => void;
}

/**
 * Posts alert messages to Alertmanager's `/api/v2/alerts`. Alertmanager forgets an alert whose
 * `endsAt` passes, so while an incident is open this target re-posts it every `resendIntervalMs`
 * (wall clock) with a fresh lease; the resolution posts an `endsAt` in the past and stops that.
 * All posts go out one at a time, in order: a re-send overtaking a resolution would re-open it.
 */
export class AlertmanagerTarget implements DeliveryTarget {
  readonly kind = 'alertmanager';
  readonly name: string;
  private readonly endpoint: URL;
  private readonly resendIntervalMs: number;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly maxOpen: number;
  private readonly maxSilenceMs: number;
  private readonly metrics: AlertmanagerMetrics;
  private readonly headers: Record<string, string>;
  /** Open incidents by alert id: the last message of each and when it came; Map order = least recently updated first. */
  private readonly open: Map<string, TrackedAlert>;
  private readonly journal: OpenAlertsJournal | undefined;
  private serial: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Node's `ca` replaces the system CAs: a private CA is added to them instead. */
  private readonly ca: string[] | undefined;

  constructor(private readonly opts: AlertmanagerTargetOptions) {
    this.name = opts.name;
    // The URL may hold credentials (user:password@, a token in the query): never in a message.
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch (cause) {
      throw new InvalidConfigError(`alertmanager sink ${opts.name}: url is not a valid URL`, { cause });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new InvalidConfigError(`alertmanager sink ${opts.name}: url must be http(s), not ${base.protocol}`);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.endpoint = new URL('api/v2/alerts', base);
    this.resendIntervalMs = opts.resendIntervalMs ?? DEFAULT_RESEND_INTERVAL_MS;
    this.ttlMs = TTL_RESEND_INTERVALS * this.resendIntervalMs;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxOpen = opts.maxOpenAlerts ?? DEFAULT_MAX_OPEN_ALERTS;
    this.maxSilenceMs = opts.maxSilenceMs ?? DEFAULT_MAX_SILENCE_MS;
    this.metrics = opts.metrics ?? noopAlertmanagerMetrics;
    this.ca = opts.ca === undefined ? undefined : [...rootCertificates, opts.ca];
    this.headers = { ...opts.headers, 'content-type': 'application/json', 'user-agent': 'agentwatch' };
    const auth = opts.auth;
    if (auth && 'bearerToken' in auth) this.headers['authorization'] = `Bearer ${auth.bearerToken}`;
    else if (auth) this.headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (opts.stateFile !== undefined) {
      const loaded = OpenAlertsJournal.load(opts.stateFile, opts.warn, opts.reloadMetrics);
      this.journal = loaded.journal;
      this.open = loaded.open;
      this.trim();
    } else {
      this.open = new Map();
    }
    this.metrics.tracked(this.open.size);
    this.timer = setInterval(() => void this.resendOpen(), this.resendIntervalMs);
    this.timer.unref();
    // Alerts left open by the previous run get a fresh lease at once, not an interval later.
    if (this.open.size > 0) void this.resendOpen();
  }

  /** Alerts being kept firing (for tests and diagnostics). */
  get openAlerts(): number {
    return this.open.size;
  }

  send(alert: Alert, _attempt: number): Promise<void> {
    return this.exclusive(async () => {
      const nowMs = Date.now();
      const body = [this.map(alert, nowMs)];
      const previous = this.open.get(alert.id)?.alert;
      if (previous && labelKey(alertmanagerLabels(previous)) !== labelKey(body[0]!.labels)) {
        // Severity rose: a new label set, so the old one is ended rather than left to expire.
        const ended = this.map(previous, nowMs);
        body.push({ ...ended, endsAt: new Date(Math.max(nowMs, Date.parse(ended.startsAt) + 1)).toISOString() });
      }
      await this.post(body);
      const wasOpen = this.open.delete(alert.id);
      if (alert.status === 'resolved') {
        if (wasOpen) await this.record([{ closed: alert.id }]);
      } else {
        const tracked = { alert, atMs: nowMs };
        this.open.set(alert.id, tracked);
        const dropped = this.trim();
        await this.record([{ open: tracked }, ...dropped.map((id) => ({ closed: id }))]);
      }
      this.metrics.tracked(this.open.size);
    });
  }

  /** Journal problems are reported, not thrown: the alert was delivered. */
  private async record(entries: Parameters<OpenAlertsJournal['record']>[0][]): Promise<void> {
    if (!this.journal) return;
    try {
      for (const e of entries) await this.journal.record(e, this.open);
    } catch (err) {
      this.opts.warn?.(`alertmanager ${this.name}: cannot record open alerts in ${this.journal.path}: ${(err as Error).message}`);
    }
  }

  /** Re-posts every open alert with a fresh lease. Failures are reported, never thrown: the next round retries. */
  resendOpen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.exclusive(async () => {
      const nowMs = Date.now();
      const silent = this.maxSilenceMs > 0 ? [...this.open].filter(([, t]) => nowMs - t.atMs > this.maxSilenceMs).map(([id]) => id) : [];
      for (const id of silent) this.open.delete(id);
      if (silent.length) {
        this.metrics.untracked(silent.length, 'silent');
        this.metrics.tracked(this.open.size);
        await this.record(silent.map((id) => ({ closed: id })));
      }
      if (this.open.size === 0) return;
      const alerts = [...this.open.values()].map((t) => t.alert);
      for (let i = 0; i < alerts.length; i += MAX_ALERTS_PER_POST) {
        const chunk = alerts.slice(i, i + MAX_ALERTS_PER_POST);
        try {
          await this.post(chunk.map((a) => this.map(a, nowMs)));
          this.metrics.resent(chunk.length, true);
        } catch (err) {
          this.metrics.resent(chunk.length, false);
          this.opts.onResendError?.(err instanceof DeliveryError ? err : new DeliveryError(String(err), { retryable: true, cause: err }));
        }
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.serial.catch(() => undefined);
    await this.journal
      ?.rewrite(this.open)
      .catch((err: Error) => this.opts.warn?.(`alertmanager ${this.name}: cannot record open alerts in ${this.journal?.path}: ${err.message}`));
  }

  private map(alert: Alert, nowMs: number): PostableAlert {
    return toPostableAlert(alert, { nowMs, ttlMs: this.ttlMs, ...(this.opts.generatorUrl !== undefined && { generatorUrl: this.opts.generatorUrl }) });
  }

  /** Drops the least recently updated beyond the bound; returns their ids. */
  private trim(): string[] {
    const dropped: string[] = [];
    for (const id of this.open.keys()) {
      if (this.open.size <= this.maxOpen) break;
      this.open.delete(id);
      dropped.push(id);
    }
    if (dropped.length) this.metrics.untracked(dropped.length, 'bound');
    return dropped;
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.serial.then(fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private post(alerts: PostableAlert[]): Promise<void> {
    const body = JSON.stringify(alerts);
    const target = `alertmanager ${this.name} (${this.endpoint.origin})`;
    return new Promise((resolve, reject) => {
      const request = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        this.endpoint,
        { method: 'POST', headers: { ...this.headers, 'content-length': Buffer.byteLength(body) }, timeout: this.timeoutMs, ...(this.ca && { ca: this.ca }) },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < 4096) chunks.push(c);
            size += c.length;
          });
          res.on('error', (cause) => reject(new DeliveryError(`${target}: response failed: ${cause.message}`, { retryable: true, cause })));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const detail = explain(status, Buffer.concat(chunks).toString('utf8'));
            const err = deliveryErrorForStatus(target, status, parseRetryAfter(res.headers['retry-after'], Date.now()), detail);
            if (err) reject(err);
            else resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (cause) => reject(new DeliveryError(`${target}: ${cause.message}`, { retryable: true, cause })));
      req.end(body);
    });
  }
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Alertmanager's reason (a JSON string or `{message}`), trimmed, with a hint for auth failures. */
function explain(status: number, text: string): string {
  let reason = text.trim();
  try {
    const parsed = JSON.parse(reason) as unknown;
    if (typeof parsed === 'string') reason = parsed;
    else if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string')
      reason = (parsed as { message: string }).message;
  } catch {
    // not JSON: keep the text
  }
  reason = reason.replace(/\s+/g, ' ').slice(0, 300);
  if (status === 401 || status === 403) return `${reason || 'unauthorized'} (check the sink's auth)`;
  if (status === 404) return `${reason || 'not found'} (is the url Alertmanager's base URL, with its route prefix?)`;
  return reason;
}
