// A real Alertmanager for tests (Debian's `prometheus-alertmanager`, installed by .ci/run), started
// on a free loopback port with its own config and storage directory, clustering off. Its webhook
// receiver can point at a loopback NotificationRecorder, so a test sees what Alertmanager sends on.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type SuiteAPI } from 'vitest';
import { freePort } from './prometheus.js';

export const ALERTMANAGER_BIN = process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager';

function isCI(): boolean {
  const ci = process.env['CI']?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Whether the binary is there; without it the tests skip, except in CI, where that is a failure. */
export function alertmanagerAvailable(bin = ALERTMANAGER_BIN): boolean {
  if (existsSync(bin)) return true;
  if (isCI()) throw new Error(`${bin} is missing: CI must install Debian's prometheus-alertmanager package (.ci/run does)`);
  console.warn(`[alertmanager] ${bin} not found: Alertmanager tests skipped (apt-get install prometheus-alertmanager, or set ALERTMANAGER_BIN)`);
  return false;
}

/** `describe` that is skipped when there is no Alertmanager binary (and fails in CI). */
export const describeAlertmanager: ReturnType<SuiteAPI['skipIf']> = describe.skipIf(!alertmanagerAvailable());

/** An alert as `GET /api/v2/alerts` lists it (the fields the tests read). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

/** One body Alertmanager POSTs to a webhook receiver (version 4 of its webhook format). */
export interface WebhookNotification {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
  commonLabels: Record<string, string>;
}

export interface AlertmanagerOptions {
  /** Where the only receiver sends notifications (none: a receiver that sends nothing). */
  webhookUrl?: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Alertmanager's own `resolve_timeout` (for alerts posted without endsAt). */
  resolveTimeout?: string;
  /** A --web.config.file body (TLS, basic auth), as an object written as JSON (JSON is YAML). */
  webConfig?: { tls_server_config?: { cert_file: string; key_file: string }; basic_auth_users?: Record<string, string> };
}

/** How the helper itself talks to an Alertmanager started with a webConfig. */
export interface AlertmanagerAccess {
  /** `Authorization` header value. */
  authorization?: string;
  /** PEM of the CA that signed the server certificate. */
  ca?: string;
}

export class TestAlertmanager {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly log: () => string,
    private readonly access: AlertmanagerAccess,
  ) {}

  /** Starts it and waits for `/-/ready`; `access` is what the helper itself needs when webConfig asks for TLS or auth. */
  static async start(opts: AlertmanagerOptions = {}, access: AlertmanagerAccess = {}): Promise<TestAlertmanager> {
    const dir = mkdtempSync(join(tmpdir(), 'aw-alertmanager-'));
    const receiver = opts.webhookUrl ? { name: 'test', webhook_configs: [{ url: opts.webhookUrl, send_resolved: true }] } : { name: 'test' };
    const config = {
      global: { resolve_timeout: opts.resolveTimeout ?? '5m' },
      route: {
        receiver: 'test',
        group_by: ['alertname', 'agent_id'],
        group_wait: opts.groupWait ?? '1s',
        group_interval: opts.groupInterval ?? '1s',
        repeat_interval: opts.repeatInterval ?? '1h',
      },
      receivers: [receiver],
    };
    writeFileSync(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
    const args = [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      '--cluster.listen-address=', // empty: no HA gossip port, no settle wait
      '--log.level=warn',
    ];
    if (opts.webConfig) {
      writeFileSync(join(dir, 'web.yml'), JSON.stringify(opts.webConfig, null, 2));
      args.push(`--web.config.file=${join(dir, 'web.yml')}`);
    }
    const port = await freePort();
    args.push(`--web.listen-address=127.0.0.1:${port}`);
    const child = spawn(ALERTMANAGER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d) => (log += String(d)));
    const scheme = opts.webConfig?.tls_server_config ? 'https' : 'http';
    const am = new TestAlertmanager(`${scheme}://127.0.0.1:${port}`, child, dir, () => log, access);
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) break;
      try {
        if ((await am.get('/-/ready')).status === 200) return am;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await am.stop();
    throw new Error(`alertmanager did not become ready (exit ${child.exitCode}):\n${log}`);
  }

  /** A GET with the helper's credentials and CA (fetch cannot be given a CA). */
  get(path: string): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.url);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          headers: this.access.authorization ? { authorization: this.access.authorization } : {},
          ...(this.access.ca && { ca: this.access.ca }),
          timeout: 5000,
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += String(d)));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** `GET /api/v2/alerts` (active, silenced, inhibited and unprocessed), optionally filtered by label matchers. */
  async alerts(filter: Record<string, string> = {}): Promise<GettableAlert[]> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) q.append('filter', `${k}="${v}"`);
    const res = await this.get(`/api/v2/alerts?${q}`);
    if (res.status !== 200) throw new Error(`GET /api/v2/alerts: HTTP ${res.status} ${res.body}`);
    return JSON.parse(res.body) as GettableAlert[];
  }

  /** Polls `alerts(filter)` until `accept` holds for the list; returns it (throws after `timeoutMs`). */
  async waitForAlerts(filter: Record<string, string>, accept: (alerts: GettableAlert[]) => boolean, timeoutMs = 20_000): Promise<GettableAlert[]> {
    const deadline = Date.now() + timeoutMs;
    let last: GettableAlert[] = [];
    while (Date.now() < deadline) {
      last = await this.alerts(filter);
      if (accept(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`alertmanager: condition not met within ${timeoutMs} ms; last alerts: ${JSON.stringify(last, null, 2)}`);
  }

  /** A sample of Alertmanager's own /metrics, e.g. `alertmanager_alerts_received_total{status="resolved",version="v2"}`. */
  async metric(series: string): Promise<number> {
    const { body } = await this.get('/metrics');
    const line = body.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  }

  get stderr(): string {
    return this.log();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A loopback HTTP server recording the webhook notifications Alertmanager sends it. */
export class NotificationRecorder {
  readonly received: WebhookNotification[] = [];
  private waiters: (() => void)[] = [];

  private readonly server: Server;
  url = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookNotification);
        } catch {
          // not JSON: not a notification; the tests only look at what parsed
        }
        res.writeHead(200).end();
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  static async start(): Promise<NotificationRecorder> {
    const r = new NotificationRecorder();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.server.address() as { port: number }).port}/alertmanager`;
    return r;
  }

  /** The first alert notification (any group) for which `match` holds, waiting for it up to `timeoutMs`. */
  async waitFor(match: (n: WebhookNotification) => boolean, timeoutMs = 20_000): Promise<WebhookNotification> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching Alertmanager notification within ${timeoutMs} ms; received: ${JSON.stringify(this.received, null, 2)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 (openssl), for an Alertmanager served over
 * https. Undefined when openssl is absent (a skip locally; CI images have it with ca-certificates).
 */
export function selfSignedCert(dir: string): { certFile: string; keyFile: string; pem: string } | undefined {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
  } catch (err) {
    if (isCI()) throw new Error(`openssl could not make a test certificate: ${(err as Error).message}`);
    console.warn('[alertmanager] openssl not usable: the https test is skipped');
    return undefined;
  }
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}
