// Alerts reaching a REAL Alertmanager (Debian's prometheus-alertmanager): listed by
// GET /api/v2/alerts with agentwatch's labels and annotations, then resolved; and, the strongest
// evidence, Alertmanager's own webhook notifications to a loopback receiver: firing, then resolved.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { DeliveryError } from '../../src/sinks/delivery/delivery-target.js';
import { AlertmanagerTarget } from '../../src/sinks/alertmanager/alertmanager-target.js';
import { NotificationRecorder, TestAlertmanager, describeAlertmanager, selfSignedCert } from '../helpers/alertmanager.js';
import { cli } from '../helpers/cli.js';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, runAll, traffic } from '../helpers/traffic.js';

// bcrypt (cost 4) of PASSWORD, as Alertmanager's web config wants it.
const USER = 'agentwatch';
const PASSWORD = 'agentwatch-test-password';
const PASSWORD_BCRYPT = '$2b$04$7lQZYNX9R8Wl71SgJ0UL6uzE2Rx/OrcvEZdWyP.uzZFwGm2MFdS46';

// One real incident from the engine: a 10x rate spike of agent-am (open, updates, resolved).
const spikeAt = T0 + 9 * DAY + 14 * HOUR;
const extra = { agentClass: 'invoice-summarizer', tenant: 'contoso' };
const incident = runAll(
  engineWith(),
  merge(
    traffic('agent-am', T0, T0 + 10 * DAY, () => 10, 1, extra),
    traffic('agent-am', spikeAt, spikeAt + 35 * MINUTE, () => 120, 2, extra),
  ),
).filter((a) => a.detector === 'rate_spike');

const isNotificationFor =
  (status: 'firing' | 'resolved', alertId: string) => (n: { status: string; alerts: { status: string; annotations: Record<string, string> }[] }) =>
    n.status === status && n.alerts.some((a) => a.status === status && a.annotations['alert_id'] === alertId);

describeAlertmanager('a real Alertmanager', { timeout: 60_000 }, () => {
  let recorder: NotificationRecorder;
  let am: TestAlertmanager;

  beforeAll(async () => {
    recorder = await NotificationRecorder.start();
    am = await TestAlertmanager.start({ webhookUrl: recorder.url, groupWait: '1s', groupInterval: '1s' });
  });
  afterAll(async () => {
    await am?.stop();
    await recorder?.close();
  });

  it('lists the alert agentwatch posted, notifies it firing, then resolved after the resolution message', async () => {
    const [open, update] = incident;
    const resolved = incident.at(-1)!;
    expect([open?.status, update?.status, resolved.status]).toEqual(['open', 'update', 'resolved']);
    const target = new AlertmanagerTarget({ name: 'am', url: am.url, generatorUrl: 'https://grafana.example/d/agentwatch?var-alert={alertId}' });
    try {
      await target.send(open!, 1);
      const [listed] = await am.waitForAlerts({ agent_id: 'agent-am' }, (l) => l.length === 1);
      expect(listed!.labels).toEqual({
        alertname: 'AgentwatchRateSpike',
        agent_id: 'agent-am',
        detector: 'rate_spike',
        severity: open!.severity,
        agent_class: 'invoice-summarizer',
        tenant: 'contoso',
      });
      expect(listed!.annotations).toMatchObject({ summary: open!.summary, alert_id: open!.id, evidence: open!.evidence.join(', ') });
      expect(listed!.annotations['observed']).toMatch(/eventsPerMinute=/);
      expect(listed!.annotations['expected']).toMatch(/typicalPeakPerMinute=/);
      expect(Date.parse(listed!.startsAt)).toBe(Date.parse(open!.time));
      expect(Date.parse(listed!.endsAt)).toBeGreaterThan(Date.now());
      expect(listed!.generatorURL).toBe(`https://grafana.example/d/agentwatch?var-alert=${open!.id}`);
      expect(listed!.status.state).toBe('active');

      const firing = await recorder.waitFor(isNotificationFor('firing', open!.id));
      expect(firing.alerts[0]!.labels).toEqual(listed!.labels);

      // The update lands on the same Alertmanager alert (same fingerprint), with its new numbers.
      await target.send(update!, 1);
      const [updated] = await am.waitForAlerts({ agent_id: 'agent-am' }, (l) => l[0]?.annotations['status'] === 'update');
      expect(updated!.fingerprint).toBe(listed!.fingerprint);
      expect(await am.alerts({ agent_id: 'agent-am' })).toHaveLength(1);

      await target.send(resolved, 1);
      await am.waitForAlerts({ agent_id: 'agent-am' }, (l) => l.length === 0);
      const done = await recorder.waitFor(isNotificationFor('resolved', open!.id));
      expect(done.alerts[0]!.labels).toEqual(listed!.labels);
      expect(Date.parse(done.alerts[0]!.endsAt)).toBe(Date.parse(resolved.episode!.resolvedTime!));
      // Nothing re-opens it: the target stopped re-sending.
      await target.resendOpen();
      expect(await am.alerts({ agent_id: 'agent-am' })).toEqual([]);
      expect(target.openAlerts).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('an open alert is kept firing by re-sends and expires on its own when agentwatch stops sending', async () => {
    const open: Alert = { ...incident[0]!, id: 'lease-test', agentId: 'agent-lease' };
    // 1 s re-sends: the lease is 3 s.
    const target = new AlertmanagerTarget({ name: 'am', url: am.url, resendIntervalMs: 1000 });
    await target.send(open, 1);
    const [first] = await am.waitForAlerts({ agent_id: 'agent-lease' }, (l) => l.length === 1);
    const [renewed] = await am.waitForAlerts({ agent_id: 'agent-lease' }, (l) => l.length === 1 && Date.parse(l[0]!.endsAt) > Date.parse(first!.endsAt));
    expect(renewed!.fingerprint).toBe(first!.fingerprint);
    await target.close(); // a dead agentwatch
    await am.waitForAlerts({ agent_id: 'agent-lease' }, (l) => l.length === 0, 15_000);
    await recorder.waitFor(isNotificationFor('resolved', 'lease-test'));
  });

  it('a wrong url (route prefix) is a clear error, retried so that alerts wait until the url is fixed', async () => {
    const target = new AlertmanagerTarget({ name: 'am', url: `${am.url}/not-the-prefix` });
    const err = await target.send(incident[0]!, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    await target.close();
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).retryable).toBe(true);
    expect((err as DeliveryError).status).toBe(404);
    expect((err as DeliveryError).message).toContain('route prefix');
  });
});

describeAlertmanager('agentwatch replay with an alertmanager sink, into a real Alertmanager', { timeout: 60_000 }, () => {
  let recorder: NotificationRecorder;
  let am: TestAlertmanager;
  const dir = mkdtempSync(join(tmpdir(), 'aw-am-replay-'));

  beforeAll(async () => {
    recorder = await NotificationRecorder.start();
    am = await TestAlertmanager.start({ webhookUrl: recorder.url, groupWait: '1s', groupInterval: '1s' });
  });
  afterAll(async () => {
    await am?.stop();
    await recorder?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the incident still open at the end is active with its labels; the resolved one was posted resolved', async () => {
    const events = join(dir, 'events.jsonl');
    const clock = (m: number) => ({
      id: `clock-${m}`,
      time: new Date(Date.UTC(2026, 2, 2, 10, m)).toISOString(),
      agentId: 'agent-am-clock',
      category: 'api_call',
      action: 'storage.blob.read',
      source: { region: 'westeurope' },
    });
    const lines: unknown[] = [];
    for (let m = 0; m <= 60; m++) {
      lines.push(clock(m));
      // agent-am-gone acts from a forbidden region once at 10:00, then is quiet: its incident resolves 30 min later (by the other agents' event time).
      if (m === 0)
        lines.push({
          ...clock(m),
          id: 'gone-1',
          agentId: 'agent-am-gone',
          agentClass: 'exporter',
          tenant: 'contoso',
          source: { region: 'eastus', ip: '203.0.113.7' },
        });
      // agent-am-stays does the same at 10:55: the stream ends with its incident open.
      if (m === 55) lines.push({ ...clock(m), id: 'stays-1', agentId: 'agent-am-stays', source: { region: 'eastus' } });
    }
    writeFileSync(events, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const baselines = join(dir, 'baselines');
    mkdirSync(baselines);
    writeFileSync(join(baselines, 'agents.yaml'), 'agents:\n  - match: { agentId: "agent-am-*" }\n    allowedRegions: [westeurope]\n');
    const config = join(dir, 'agentwatch.json');
    writeFileSync(
      config,
      JSON.stringify({
        alerts: {
          sinks: [{ name: 'soc-alertmanager', type: 'alertmanager', url: am.url, generatorUrl: 'https://agentwatch.example/alerts/{alertId}' }],
          queue: { dir: join(dir, 'queue') },
        },
      }),
    );
    const received = async (status: string) => am.metric(`alertmanager_alerts_received_total{status="${status}",version="v2"}`);
    const before = { firing: await received('firing'), resolved: await received('resolved') };

    const output = join(dir, 'alerts.jsonl');
    const r = await cli(['replay', events, '--baselines', baselines, '--config', config, '--output', output, '--no-progress']);
    expect(r.status, r.stderr).toBe(0);

    // What agentwatch raised (the premise): gone opens and resolves, stays opens.
    const alerts = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Alert);
    expect(alerts.map((a) => [a.agentId, a.detector, a.status ?? 'open'])).toEqual([
      ['agent-am-gone', 'policy_violation', 'open'],
      ['agent-am-gone', 'policy_violation', 'resolved'],
      ['agent-am-stays', 'policy_violation', 'open'],
    ]);
    const [goneOpen, , staysOpen] = alerts;

    // Alertmanager has the open one, with agentwatch's labels and annotations, firing since its event.
    const [listed] = await am.waitForAlerts({ agent_id: 'agent-am-stays' }, (l) => l.length === 1);
    expect(listed!.labels).toEqual({ alertname: 'AgentwatchPolicyViolation', agent_id: 'agent-am-stays', detector: 'policy_violation', severity: 'high' });
    expect(listed!.annotations).toMatchObject({
      alert_id: staysOpen!.id,
      summary: staysOpen!.summary,
      observed: 'rule=allowedRegions, region=eastus, ip=null',
      evidence: 'stays-1',
    });
    expect(listed!.annotations['expected']).toContain('allowedRegions=[westeurope]');
    expect(Date.parse(listed!.startsAt)).toBe(Date.parse('2026-03-02T10:55:00.000Z'));
    expect(listed!.generatorURL).toBe(`https://agentwatch.example/alerts/${staysOpen!.id}`);
    expect(listed!.status.state).toBe('active');
    await recorder.waitFor(isNotificationFor('firing', staysOpen!.id));

    // The resolved incident was received (firing, then resolved) and is no longer active.
    expect(await am.alerts({ agent_id: 'agent-am-gone' })).toEqual([]);
    expect(await received('firing')).toBeGreaterThanOrEqual(before.firing + 2);
    expect(await received('resolved')).toBeGreaterThanOrEqual(before.resolved + 1);
    expect(goneOpen!.agentClass).toBe('exporter');
  });
});

describeAlertmanager('a real Alertmanager behind https and basic auth', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-am-tls-'));
  const cert = selfSignedCert(dir);
  let am: TestAlertmanager | undefined;
  const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  beforeAll(async () => {
    if (!cert) return;
    am = await TestAlertmanager.start(
      { webConfig: { tls_server_config: { cert_file: cert.certFile, key_file: cert.keyFile }, basic_auth_users: { [USER]: PASSWORD_BCRYPT } } },
      { authorization, ca: cert.pem },
    );
  });
  afterAll(async () => {
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!cert)('accepts the alert with the right credentials over TLS; a wrong password or an untrusted certificate is a clear error', async () => {
    const alert: Alert = { ...incident[0]!, agentId: 'agent-tls' };
    const good = new AlertmanagerTarget({ name: 'am-tls', url: am!.url, auth: { username: USER, password: PASSWORD }, ca: cert!.pem });
    await good.send(alert, 1);
    await good.close();
    const [listed] = await am!.waitForAlerts({ agent_id: 'agent-tls' }, (l) => l.length === 1);
    expect(listed!.annotations['alert_id']).toBe(alert.id);

    const wrong = new AlertmanagerTarget({ name: 'am-tls', url: am!.url, auth: { username: USER, password: 'not-the-password' }, ca: cert!.pem });
    const err = await wrong.send(alert, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    await wrong.close();
    expect((err as DeliveryError).status).toBe(401);
    expect((err as DeliveryError).message).toContain("check the sink's auth");

    // Without the CA the certificate is refused (retryable: an operator may fix the trust store).
    const untrusted = new AlertmanagerTarget({ name: 'am-tls', url: am!.url, auth: { username: USER, password: PASSWORD } });
    const tlsErr = await untrusted.send(alert, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    await untrusted.close();
    expect(tlsErr).toBeInstanceOf(DeliveryError);
    expect((tlsErr as DeliveryError).message).toMatch(/certificate/i);
  });
});
