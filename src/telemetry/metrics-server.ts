import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { TelemetryConfig } from '../config/telemetry-config-schema.js';
import { MetricsServerError } from '../core/errors.js';

/** Whether the instance can do its work, with the reason when it cannot (shown by /readyz). */
export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** Required on /metrics when set. */
  bearerToken?: string | undefined;
  readiness: () => Readiness;
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
}

/** The endpoint could not be opened (address in use, not local): the operator's to fix, exit 2. */
export { MetricsServerError } from '../core/errors.js';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Compares digests, so neither the token's content nor its length leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest((m[1] as string).trim()), digest(token));
}

/**
 * /metrics (Prometheus text format), /healthz (the process answers) and /readyz (the readiness
 * callback) over node:http. /healthz and /readyz say nothing sensitive and stay open, so
 * Kubernetes probes need no credentials; /metrics takes a bearer token when one is configured.
 */
export class MetricsServer {
  private server: Server | undefined;
  private bound: AddressInfo | undefined;

  constructor(private readonly opts: MetricsServerOptions) {}

  /** `http://host:port` once listening (the real port when 0 was asked for). */
  get url(): string {
    if (!this.bound) throw new MetricsServerError('the metrics server is not listening');
    const host = this.bound.family === 'IPv6' ? `[${this.bound.address}]` : this.bound.address;
    return `http://${host}:${this.bound.port}`;
  }

  async start(): Promise<string> {
    const { host, port } = this.opts;
    if (!isLoopback(host) && !this.opts.bearerToken) {
      this.opts.log?.warn('metrics endpoint bound beyond loopback without a bearer token (set AGENTWATCH_METRICS_TOKEN to protect /metrics)', { host, port });
    }
    const server = createServer((req, res) => void this.handle(req, res));
    // Prometheus keeps its connection open between scrapes; a stuck client must not hold a socket forever.
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: NodeJS.ErrnoException) =>
        reject(
          new MetricsServerError(
            `cannot serve metrics on ${host}:${port}: ${cause.code ?? cause.message} (set telemetry.host/port or AGENTWATCH_METRICS_HOST/PORT)`,
            { cause },
          ),
        ),
      );
      server.listen({ host, port }, resolve);
    });
    this.server = server;
    this.bound = server.address() as AddressInfo;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    try {
      switch (path) {
        case '/healthz':
          return reply(res, 200, 'ok\n');
        case '/readyz': {
          const r = this.opts.readiness();
          return reply(res, r.ready ? 200 : 503, `${r.ready ? 'ready' : 'not ready'}: ${r.reason}\n`);
        }
        case '/metrics': {
          const token = this.opts.bearerToken;
          if (token && !tokenMatches(req.headers.authorization, token)) {
            return reply(res, 401, 'unauthorized\n', { 'WWW-Authenticate': 'Bearer realm="agentwatch"' });
          }
          const body = await this.opts.registry.metrics();
          return reply(res, 200, body, { 'Content-Type': this.opts.registry.contentType });
        }
        default:
          return reply(res, 404, 'not found: try /metrics, /healthz or /readyz\n');
      }
    } catch (err) {
      return reply(res, 500, `error: ${(err as Error).message}\n`);
    }
  }
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The endpoint of the `telemetry` config section, listening; logs where (the port may have been 0). */
export async function serveTelemetry(
  config: TelemetryConfig,
  registry: Registry,
  readiness: () => Readiness,
  log: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void },
): Promise<MetricsServer> {
  const server = new MetricsServer({ host: config.host, port: config.port, bearerToken: config.bearerToken, registry, readiness, log });
  const url = await server.start();
  log.info('serving /metrics, /healthz and /readyz', { url, metricsToken: Boolean(config.bearerToken) });
  return server;
}
