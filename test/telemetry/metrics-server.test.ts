import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { MetricsServer, isLoopback } from '../../src/telemetry/metrics-server.js';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('MetricsServer', () => {
  const servers: MetricsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function serve(opts: { bearerToken?: string; ready?: () => boolean; host?: string } = {}) {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const warnings: string[] = [];
    const ready = opts.ready ?? (() => false);
    const server = new MetricsServer({
      host: opts.host ?? '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      bearerToken: opts.bearerToken,
      readiness: () => ({ ready: ready(), reason: ready() ? 'partitions 0 assigned, baselines restored' : 'restoring the baselines of partitions 0' }),
      log: { warn: (msg) => warnings.push(msg) },
    });
    servers.push(server);
    const url = await server.start();
    return { url, metrics, warnings };
  }

  it('binds to loopback by default (the config default)', () => {
    const { config } = loadConfig(undefined, {});
    expect(config.telemetry).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(isLoopback(config.telemetry.host)).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(
      loadConfig(undefined, { AGENTWATCH_METRICS_HOST: '0.0.0.0', AGENTWATCH_METRICS_PORT: '9500', AGENTWATCH_METRICS_TOKEN: TOKEN }).config.telemetry,
    ).toEqual({ host: '0.0.0.0', port: 9500, bearerToken: TOKEN });
  });

  it('serves /metrics in the Prometheus text format, /healthz always, /readyz 503 until ready, then 200', async () => {
    let ready = false;
    const { url, metrics } = await serve({ ready: () => ready });
    metrics.eventsAccepted(7);
    const m = await fetch(`${url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await m.text()).toContain('agentwatch_events_consumed_total{outcome="accepted"} 7');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('not ready: restoring the baselines of partitions 0\n');
    ready = true;
    const r = await fetch(`${url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/^ready: /);
    expect((await fetch(`${url}/other`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('with a bearer token, answers /metrics only to it; the probes stay open', async () => {
    const { url } = await serve({ bearerToken: TOKEN, ready: () => true });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('agentwatch_ready 0');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('warns when bound beyond loopback without a token', async () => {
    const open = await serve({ host: '0.0.0.0' });
    expect(open.warnings.join('\n')).toMatch(/without a bearer token/);
    const closed = await serve({ host: '0.0.0.0', bearerToken: TOKEN });
    expect(closed.warnings).toEqual([]);
    expect((await serve()).warnings).toEqual([]);
  });

  it('fails with a coded error naming the address when the port is taken', async () => {
    const { url } = await serve();
    const port = Number(new URL(url).port);
    const second = new MetricsServer({
      host: '127.0.0.1',
      port,
      registry: new PrometheusMetrics({ defaultMetrics: false }).registry,
      readiness: () => ({ ready: true, reason: '' }),
    });
    await expect(second.start()).rejects.toMatchObject({
      code: 'AW_METRICS_LISTEN',
      message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}: EADDRINUSE`)),
    });
  });
});
