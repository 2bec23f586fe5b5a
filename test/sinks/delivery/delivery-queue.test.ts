import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { AlertSpool } from '../../../src/sinks/delivery/alert-spool.js';
import { type AlertStore, MemoryAlertStore } from '../../../src/sinks/delivery/alert-store.js';
import { DeliveryQueue, type RetrySettings } from '../../../src/sinks/delivery/delivery-queue.js';
import { verifyWebhook } from '../../../src/sinks/webhook/standard-webhooks.js';
import { WebhookTarget } from '../../../src/sinks/webhook/webhook-target.js';
import { PrometheusMetrics } from '../../../src/telemetry/prometheus-metrics.js';
import { testAlert } from '../../helpers/alert-fixture.js';
import { type ReceivedRequest, WebhookReceiver } from '../../helpers/webhook-receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface QueueOptions {
  store?: AlertStore;
  maxAlerts?: number;
  maxBytes?: number;
  retry?: Partial<RetrySettings>;
  drainTimeoutMs?: number;
  timeoutMs?: number;
  metrics?: PrometheusMetrics;
  random?: () => number;
}

const received = (reqs: readonly ReceivedRequest[]) => reqs.filter((r) => r.body).map((r) => JSON.parse(r.body) as Alert);
const metric = async (m: PrometheusMetrics, name: string) => {
  const line = (await m.registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{sink="soc"}`));
  return Number(line?.split(' ')[1]);
};
const settle = (p: Promise<unknown>) => {
  const state = { done: false };
  void p.then(() => (state.done = true));
  return state;
};
const until = async (cond: () => boolean, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('delivery queue to a loopback webhook receiver', () => {
  let receiver: WebhookReceiver;
  let dir: string;
  const queues: DeliveryQueue[] = [];

  function queue(opts: QueueOptions = {}): DeliveryQueue {
    const target = new WebhookTarget({ name: 'soc', url: receiver.url, preset: 'standard', secrets: [SECRET], timeoutMs: opts.timeoutMs ?? 5_000 });
    const q = new DeliveryQueue({
      target,
      store: opts.store ?? new MemoryAlertStore(),
      maxAlerts: opts.maxAlerts ?? 1_000,
      maxBytes: opts.maxBytes ?? 1 << 20,
      drainTimeoutMs: opts.drainTimeoutMs ?? 5_000,
      retry: { initialBackoffMs: 5, maxBackoffMs: 40, maxAttempts: 0, maxRetryMs: 0, ...opts.retry },
      ...(opts.metrics && { metrics: opts.metrics }),
      ...(opts.random && { random: opts.random }),
    });
    queues.push(q);
    return q;
  }

  beforeEach(async () => {
    receiver = await new WebhookReceiver().up();
    dir = mkdtempSync(join(tmpdir(), 'aw-queue-'));
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await receiver.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries 503s with backoff and delivers every alert, in order, ids unchanged', async () => {
    receiver.answer = (_, i) => (i < 3 ? { status: 503 } : { status: 204 });
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const q = queue({ metrics });
    const alerts = [1, 2, 3, 4].map((n) => testAlert(n));
    await Promise.all(alerts.map((a) => q.write(a)));
    await q.idle();
    // The first alert was attempted four times (three 503s), then the rest once each.
    expect(received(receiver.requests).map((a) => a.id)).toEqual([alerts[0], alerts[0], alerts[0], ...alerts].map((a) => a?.id));
    expect(received(receiver.requests).slice(3)).toEqual(alerts);
    expect(q.retried).toBe(3);
    expect(q.delivered).toBe(4);
    expect(await metric(metrics, 'agentwatch_sink_retries_total')).toBe(3);
    expect(await metric(metrics, 'agentwatch_sink_deliveries_total')).toBe(4);
    expect(await metric(metrics, 'agentwatch_sink_queued_alerts')).toBe(0);
  });

  it('a 410 disables the sink: nothing more is sent, the alerts stay in the spool and go once the endpoint is fixed', async () => {
    receiver.answer = () => ({ status: 410, body: 'gone' });
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const q = queue({ store: await AlertSpool.open(join(dir, 'soc')), metrics });
    const alerts = [1, 2, 3].map((n) => testAlert(n));
    for (const a of alerts) await q.write(a);
    await until(() => q.disabled);
    await q.idle();
    expect(receiver.requests).toHaveLength(1);
    expect(q.queued).toBe(3);
    expect(await metric(metrics, 'agentwatch_sink_disabled')).toBe(1);
    expect(await metric(metrics, 'agentwatch_sink_failures_total')).toBe(1);
    expect(await metric(metrics, 'agentwatch_sink_queued_alerts')).toBe(3);
    await q.close();

    // The operator fixes the endpoint and restarts: the queued alerts are delivered.
    receiver.answer = () => ({ status: 200 });
    const again = queue({ store: await AlertSpool.open(join(dir, 'soc')) });
    await again.idle();
    expect(received(receiver.requests.slice(1))).toEqual(alerts);
  });

  it('honours a 429 Retry-After even when its own backoff would retry at once', async () => {
    receiver.answer = (_, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 });
    const q = queue({ random: () => 0 });
    await q.write(testAlert(1));
    await q.idle();
    const [first, second] = receiver.requests;
    expect(receiver.requests).toHaveLength(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(q.retried).toBe(1);
  });

  it('retries a receiver that does not answer within the timeout', async () => {
    receiver.answer = (_, i) => (i === 0 ? { status: 204, delayMs: 3_000 } : { status: 204 });
    const q = queue({ timeoutMs: 200 });
    await q.write(testAlert(1));
    await q.idle();
    expect(q.retried).toBe(1);
    expect(q.delivered).toBe(1);
    expect(received(receiver.requests).map((a) => a.id)).toEqual([testAlert(1).id, testAlert(1).id]);
  });

  it('when full, write waits for room (back-pressure) instead of dropping; everything arrives once the receiver is back', async () => {
    await receiver.down();
    const q = queue({ store: await AlertSpool.open(join(dir, 'soc')), maxAlerts: 3 });
    const alerts = [1, 2, 3, 4, 5].map((n) => testAlert(n));
    await Promise.all(alerts.slice(0, 3).map((a) => q.write(a)));
    const fourth = settle(q.write(alerts[3] as Alert));
    const fifth = settle(q.write(alerts[4] as Alert));
    // The sender keeps retrying the closed port; the two extra writes stay pending meanwhile.
    await until(() => q.retried >= 3);
    expect(fourth.done).toBe(false);
    expect(fifth.done).toBe(false);
    expect(q.queued).toBe(3);
    await receiver.up();
    await until(() => fourth.done && fifth.done);
    await q.idle();
    expect(received(receiver.requests)).toEqual(alerts);
  });

  it('bounds bytes as well as alerts', async () => {
    await receiver.down();
    const one = Buffer.byteLength(JSON.stringify({ queuedAt: Date.now(), alert: testAlert(1) })) + 1;
    const q = queue({ maxBytes: one * 2 + 10 });
    await q.write(testAlert(1));
    await q.write(testAlert(2));
    const third = settle(q.write(testAlert(3)));
    await until(() => q.retried >= 2);
    expect(third.done).toBe(false);
    await receiver.up();
    await until(() => third.done);
    await q.idle();
    expect(received(receiver.requests).map((a) => a.id)).toEqual([1, 2, 3].map((n) => testAlert(n).id));
  });

  it('the spool survives a new queue instance (restart): alerts and ids unchanged, signatures valid, a torn last line dropped', async () => {
    await receiver.down();
    const path = join(dir, 'soc');
    const first = queue({ store: await AlertSpool.open(path, { segmentBytes: 1_500 }), drainTimeoutMs: 0 });
    const alerts = [1, 2, 3, 4, 5, 6].map((n) =>
      testAlert(n, n % 2 ? {} : { status: 'update', episode: { revision: 1, count: 3, firstTime: 't', lastTime: 't', peakScore: 90, peakObserved: {} } }),
    );
    for (const a of alerts) await first.write(a);
    expect(first.queued).toBe(6);
    await first.close();
    const segments = readdirSync(path)
      .filter((f) => f.startsWith('segment-'))
      .sort();
    expect(segments.length).toBeGreaterThan(1);
    // A crash in the middle of writing a seventh alert (never acknowledged to the pipeline).
    appendFileSync(join(path, segments.at(-1) as string), '{"queuedAt":1,"alert":{"id":"torn');

    await receiver.up();
    const second = queue({ store: await AlertSpool.open(path, { segmentBytes: 1_500 }) });
    expect(second.queued).toBe(6);
    await second.idle();
    expect(received(receiver.requests)).toEqual(alerts);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual(alerts.map((a) => `${a.id}.${a.episode?.revision}`));
    for (const r of receiver.requests) verifyWebhook(SECRET, r.headers, r.body);
    await second.close();
    // Delivered segments are deleted; a third start has nothing left to send.
    expect(readdirSync(path).filter((f) => f.startsWith('segment-')).length).toBe(1);
    const third = queue({ store: await AlertSpool.open(path) });
    expect(third.queued).toBe(0);
  });

  it('a second queue on the same folder is refused while the first holds it', async () => {
    const path = join(dir, 'soc');
    const store = await AlertSpool.open(path);
    await expect(AlertSpool.open(path)).rejects.toThrow(/in use by this process.*alerts\.queue\.dir/);
    await store.close();
    await (await AlertSpool.open(path)).close();
  });

  it('an alert the receiver refuses (422) is set aside in failed.jsonl and the next one goes', async () => {
    receiver.answer = (r) => ((JSON.parse(r.body) as Alert).id === testAlert(1).id ? { status: 422, body: 'unprocessable' } : { status: 204 });
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const q = queue({ store: await AlertSpool.open(join(dir, 'soc')), metrics });
    await q.write(testAlert(1));
    await q.write(testAlert(2));
    await q.idle();
    expect(received(receiver.requests).map((a) => a.id)).toEqual([testAlert(1).id, testAlert(2).id]);
    expect(q.failed).toBe(1);
    expect(await metric(metrics, 'agentwatch_sink_failures_total')).toBe(1);
    const failed = readFileSync(join(dir, 'soc', 'failed.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; alert: Alert });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.alert).toEqual(testAlert(1));
    expect(failed[0]?.reason).toMatch(/HTTP 422: unprocessable/);
  });

  it('gives an alert up after retry.maxAttempts and keeps going', async () => {
    receiver.answer = (r) => ((JSON.parse(r.body) as Alert).id === testAlert(1).id ? { status: 500 } : { status: 204 });
    const q = queue({ retry: { maxAttempts: 3 } });
    await q.write(testAlert(1));
    await q.write(testAlert(2));
    await q.idle();
    expect(received(receiver.requests).map((a) => a.id)).toEqual([1, 1, 1, 2].map((n) => testAlert(n).id));
    expect(q.failed).toBe(1);
    expect(q.retried).toBe(2);
  });

  it('close drains for a bounded time, then keeps the rest on disk', async () => {
    receiver.answer = () => ({ status: 503 });
    const path = join(dir, 'soc');
    const q = queue({ store: await AlertSpool.open(path), drainTimeoutMs: 200 });
    await q.write(testAlert(1));
    await q.write(testAlert(2));
    await q.close();
    expect(receiver.requests.length).toBeGreaterThan(0);
    await expect(q.write(testAlert(3))).rejects.toThrow(/closing/);
    const store = await AlertSpool.open(path);
    expect(store.count).toBe(2);
    expect((await store.head())?.alert).toEqual(testAlert(1));
    await store.close();
  });
});
