import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { DeliveryError } from '../../../src/sinks/delivery/delivery-target.js';
import type { PostableAlert } from '../../../src/sinks/alertmanager/alertmanager-alert.js';
import type { AlertmanagerMetrics } from '../../../src/sinks/alertmanager/alertmanager-metrics.js';
import { AlertmanagerTarget } from '../../../src/sinks/alertmanager/alertmanager-target.js';
import { freePort } from '../../helpers/prometheus.js';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, runAll, traffic } from '../../helpers/traffic.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  alerts: PostableAlert[];
}

/** A loopback stand-in for Alertmanager's API that records posts and answers what the test says. */
let server: Server;
let base: string;
let received: Received[] = [];
let answer: { status: number; body?: string; headers?: Record<string, string> } = { status: 200 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, alerts: JSON.parse(Buffer.concat(chunks).toString('utf8')) as PostableAlert[] });
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  answer = { status: 200 };
});

// Real alert messages of one incident (open, updates, resolved) from the engine.
const spikeAt = T0 + 9 * DAY + 14 * HOUR;
const messages = runAll(
  engineWith(),
  merge(
    traffic('agent-a', T0, T0 + 10 * DAY, () => 10, 1),
    traffic('agent-a', spikeAt, spikeAt + 35 * MINUTE, () => 120, 2),
  ),
).filter((a) => a.detector === 'rate_spike');
const open = messages[0]!;
const update = messages[1]!;
const resolved = messages.at(-1)!;

function countingMetrics(): AlertmanagerMetrics & { counts: { resentOk: number; resentFailed: number; tracked: number; untracked: number } } {
  const counts = { resentOk: 0, resentFailed: 0, tracked: 0, untracked: 0 };
  return {
    counts,
    resent: (n, ok) => (ok ? (counts.resentOk += n) : (counts.resentFailed += n)),
    tracked: (n) => (counts.tracked = n),
    untracked: (n) => (counts.untracked += n),
  };
}

async function sendError(target: AlertmanagerTarget, alert: Alert): Promise<DeliveryError> {
  const err = await target.send(alert, 1).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('AlertmanagerTarget', () => {
  it('posts a JSON array to <url>/api/v2/alerts, keeping a route prefix, with basic or bearer auth', async () => {
    const basic = new AlertmanagerTarget({ name: 'am', url: `${base}/alertmanager`, auth: { username: 'aw', password: 's3cret' } });
    await basic.send(open, 1);
    await basic.close();
    const bearer = new AlertmanagerTarget({ name: 'am', url: `${base}/`, auth: { bearerToken: 'tok-123' } });
    await bearer.send(open, 1);
    await bearer.close();
    expect(received.map((r) => r.path)).toEqual(['/alertmanager/api/v2/alerts', '/api/v2/alerts']);
    expect(received[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('aw:s3cret').toString('base64')}`);
    expect(received[1]!.headers['authorization']).toBe('Bearer tok-123');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.alerts).toHaveLength(1);
    expect(received[0]!.alerts[0]!.labels['alertname']).toBe('AgentwatchRateSpike');
    expect(received[0]!.alerts[0]!.annotations['alert_id']).toBe(open.id);
  });

  it("a refused alert (400) is not retried, with Alertmanager's reason; wrong credentials, 5xx, 429 and network errors are retried (alerts wait)", async () => {
    const target = new AlertmanagerTarget({ name: 'am', url: base });
    answer = { status: 400, body: '"start time must be before end time"' };
    const bad = await sendError(target, open);
    expect(bad.retryable).toBe(false);
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('start time must be before end time');
    answer = { status: 401, body: 'Unauthorized' };
    // The shared delivery policy: an endpoint or credentials being fixed is waited for, not a reason to drop alerts.
    const auth = await sendError(target, open);
    expect(auth.retryable).toBe(true);
    expect(auth.status).toBe(401);
    expect(auth.message).toContain("check the sink's auth");
    answer = { status: 503, body: '{"code":503,"message":"not ready"}' };
    const down = await sendError(target, open);
    expect(down.retryable).toBe(true);
    expect(down.message).toContain('not ready');
    answer = { status: 429, headers: { 'retry-after': '7' } };
    const slow = await sendError(target, open);
    expect(slow.retryable).toBe(true);
    expect(slow.retryAfterMs).toBe(7000);
    // Nothing failed was tracked for re-sending.
    expect(target.openAlerts).toBe(0);
    await target.close();

    const refused = new AlertmanagerTarget({ name: 'am', url: `http://127.0.0.1:${await freePort()}` });
    const net = await sendError(refused, open);
    expect(net.retryable).toBe(true);
    expect(net.code).toBe('AW_DELIVERY');
    await refused.close();
  });

  it('re-sends open alerts with a fresh lease until they resolve', async () => {
    const metrics = countingMetrics();
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, metrics });
    await target.send(open, 1);
    await target.send(update, 1);
    expect(target.openAlerts).toBe(1);
    await target.resendOpen();
    expect(received).toHaveLength(3);
    const resent = received[2]!.alerts;
    expect(resent).toHaveLength(1);
    // The re-send carries the latest message (the update) and a lease ending later than the first post's.
    expect(resent[0]!.annotations['status']).toBe('update');
    expect(resent[0]!.labels).toEqual(received[0]!.alerts[0]!.labels);
    expect(Date.parse(resent[0]!.endsAt)).toBeGreaterThanOrEqual(Date.parse(received[0]!.alerts[0]!.endsAt));
    expect(metrics.counts.resentOk).toBe(1);

    await target.send(resolved, 1);
    expect(Date.parse(received[3]!.alerts[0]!.endsAt)).toBeLessThan(Date.now());
    expect(target.openAlerts).toBe(0);
    expect(metrics.counts.tracked).toBe(0);
    await target.resendOpen();
    expect(received).toHaveLength(4);
    await target.close();
  });

  it('re-sends on its own wall-clock timer', async () => {
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 50 });
    await target.send(open, 1);
    for (let i = 0; i < 200 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await target.close();
    expect(received.length).toBeGreaterThanOrEqual(3);
    for (const r of received) expect(r.alerts.map((a) => a.annotations['alert_id'])).toEqual([open.id]);
  });

  it('a failed re-send is counted and reported, not thrown; the next round retries', async () => {
    const metrics = countingMetrics();
    const errors: DeliveryError[] = [];
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, metrics, onResendError: (e) => errors.push(e) });
    await target.send(open, 1);
    answer = { status: 502 };
    await target.resendOpen();
    answer = { status: 200 };
    await target.resendOpen();
    expect(metrics.counts).toMatchObject({ resentFailed: 1, resentOk: 1, tracked: 1 });
    expect(errors.map((e) => e.status)).toEqual([502]);
    await target.close();
  });

  it('keeps at most maxOpenAlerts open alerts, dropping the least recently updated and counting it', async () => {
    const metrics = countingMetrics();
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, maxOpenAlerts: 2, metrics });
    for (const id of ['a1', 'a2', 'a3']) await target.send({ ...open, id, agentId: `agent-${id}` }, 1);
    expect(target.openAlerts).toBe(2);
    expect(metrics.counts.untracked).toBe(1);
    received = [];
    await target.resendOpen();
    expect(received[0]!.alerts.map((a) => a.annotations['alert_id'])).toEqual(['a2', 'a3']);
    await target.close();
  });

  it('stops re-sending an incident nothing has been said about for maxSilenceMs (it then expires), and counts it', async () => {
    const metrics = countingMetrics();
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, maxSilenceMs: 50, metrics });
    await target.send({ ...open, id: 'quiet' }, 1);
    await new Promise((r) => setTimeout(r, 120));
    await target.send({ ...open, id: 'fresh', agentId: 'agent-b' }, 1);
    received = [];
    await target.resendOpen();
    await target.close();
    expect(received.map((r) => r.alerts.map((a) => a.annotations['alert_id']))).toEqual([['fresh']]);
    expect(metrics.counts).toMatchObject({ untracked: 1, tracked: 1 });
  });

  it('remembers its open alerts across a restart (state file) and re-sends them at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-am-state-'));
    const stateFile = join(dir, 'sink', 'alertmanager-open.jsonl');
    try {
      const first = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, stateFile });
      for (const id of ['a1', 'a2', 'a3']) await first.send({ ...open, id, agentId: `agent-${id}` }, 1);
      await first.send({ ...update, id: 'a1', agentId: 'agent-a1' }, 1);
      await first.send({ ...resolved, id: 'a2', agentId: 'agent-a2' }, 1);
      // A crash: no close, so the journal as appended is all there is.
      clearInterval((first as unknown as { timer: NodeJS.Timeout }).timer);
      received = [];
      const second = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000, stateFile });
      expect(second.openAlerts).toBe(2);
      await second.close();
      // Re-sent on start, least recently updated first, a1 with its latest message (the update).
      expect(received).toHaveLength(1);
      expect(received[0]!.alerts.map((a) => [a.annotations['alert_id'], a.annotations['status']])).toEqual([
        ['a3', 'open'],
        ['a1', 'update'],
      ]);
      expect(Date.parse(received[0]!.alerts[0]!.endsAt)).toBeGreaterThan(Date.now());
      // close() compacts the file to what is open.
      expect(
        readFileSync(stateFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { open: { alert: Alert } }).open.alert.id),
      ).toEqual(['a3', 'a1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a severity escalation ends the lower-severity Alertmanager alert in the same post', async () => {
    const target = new AlertmanagerTarget({ name: 'am', url: base, resendIntervalMs: 3_600_000 });
    const medium: Alert = { ...open, severity: 'medium' };
    await target.send(medium, 1);
    await target.send({ ...update, severity: 'critical' }, 1);
    const [firing, ended] = received[1]!.alerts;
    expect(firing!.labels['severity']).toBe('critical');
    expect(Date.parse(firing!.endsAt)).toBeGreaterThan(Date.now());
    expect(ended!.labels).toEqual({ ...firing!.labels, severity: 'medium' });
    expect(Date.parse(ended!.endsAt)).toBeLessThanOrEqual(Date.now());
    await target.close();
  });

  it('refuses a non-http(s) url', () => {
    expect(() => new AlertmanagerTarget({ name: 'am', url: 'ftp://alertmanager:9093' })).toThrow(/http\(s\)/);
  });
});
