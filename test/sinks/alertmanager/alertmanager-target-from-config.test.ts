import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AlertmanagerSinkConfig } from '../../../src/sinks/alertmanager/alertmanager-sink-config-schema.js';
import { redactConfig } from '../../../src/config/secret-fields.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { InvalidConfigError } from '../../../src/core/errors.js';
import { alertmanagerTargetFromConfig, maxSilenceMs } from '../../../src/sinks/alertmanager/alertmanager-target-from-config.js';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, runAll, traffic } from '../../helpers/traffic.js';

function sinkConfig(sink: Record<string, unknown>): AlertmanagerSinkConfig {
  const config = parseConfig({ alerts: { sinks: [{ name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:9093', ...sink }] } });
  return config.alerts.sinks![0] as AlertmanagerSinkConfig;
}

describe('alertmanager sink configuration', () => {
  it('fills the defaults: re-send every minute, 10 000 open alerts, 10 s timeout', () => {
    expect(sinkConfig({})).toMatchObject({ resendIntervalMs: 60_000, maxOpenAlerts: 10_000, timeoutMs: 10_000, headers: {} });
  });

  it('lets silent incidents go after twice the longest gap the engine leaves between messages, at least an hour', () => {
    const engine = (cooldownMs: number, updateIntervalMs: number) => ({ cooldownMs, episodes: { updateIntervalMs } });
    expect(maxSilenceMs(sinkConfig({}), engine(30 * MINUTE, 10 * MINUTE))).toBe(80 * MINUTE);
    expect(maxSilenceMs(sinkConfig({}), engine(5 * MINUTE, 0))).toBe(60 * MINUTE);
    expect(maxSilenceMs(sinkConfig({ maxSilenceMs: 0 }), engine(30 * MINUTE, 10 * MINUTE))).toBe(0);
    expect(maxSilenceMs(sinkConfig({}), undefined)).toBe(120 * MINUTE);
  });

  it('rejects a non-http(s) url or generatorUrl, an unknown key, a re-send interval under a second', () => {
    expect(() => sinkConfig({ url: 'alertmanager:9093' })).toThrow(InvalidConfigError);
    expect(() => sinkConfig({ generatorUrl: '/alerts/{alertId}' })).toThrow(/generatorUrl/);
    expect(() => sinkConfig({ resendIntervalMs: 10 })).toThrow(/resendIntervalMs/);
    expect(() => sinkConfig({ auth: { user: 'x' } })).toThrow(/auth/);
  });

  it('takes credentials from the environment, and says what is wrong with them', () => {
    const env = { AM_PASSWORD: 'from-env', AM_TOKEN: 'tok' };
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ auth: { username: 'aw', passwordEnv: 'AM_MISSING' } }), { env })).toThrow(
      /AM_MISSING, which is not set/,
    );
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ auth: { username: 'aw' } }), { env })).toThrow(/basic auth needs/);
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ auth: { username: 'aw', password: 'p', bearerTokenEnv: 'AM_TOKEN' } }), { env })).toThrow(
      /not both/,
    );
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ auth: { password: 'p', passwordEnv: 'AM_PASSWORD', username: 'aw' } }), { env })).toThrow(
      /exclusive/,
    );
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ caFile: 'no-such-ca.pem' }), { configDir: tmpdir() })).toThrow(/cannot use caFile .*no-such-ca.pem/);
    const dir = mkdtempSync(join(tmpdir(), 'aw-am-ca-'));
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello\n');
    expect(() => alertmanagerTargetFromConfig(sinkConfig({ caFile: 'not-a-cert.pem' }), { configDir: dir })).toThrow(/cannot use caFile/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never logs the password or token', () => {
    const config = parseConfig({
      alerts: {
        sinks: [
          { name: 'am', type: 'alertmanager', url: 'http://am:9093', auth: { username: 'aw', password: 'hunter2-secret' } },
          { name: 'am2', type: 'alertmanager', url: 'http://am:9093', auth: { bearerToken: 'tok-secret-123' } },
        ],
      },
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('tok-secret-123');
    expect(text).toContain('"username":"aw"');
  });

  it('builds a working target: env credentials on the wire, a CA file read relative to the config, metrics at 0 from the start', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers['authorization']);
      req.resume().on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'aw-am-config-'));
    // Any certificate will do: it is only read and checked (an http URL never uses it).
    writeFileSync(join(dir, 'ca.pem'), rootCertificates[0]!);
    const registry = new Registry();
    const spikeAt = T0 + 9 * DAY + 14 * HOUR;
    const open = runAll(
      engineWith(),
      merge(
        traffic('agent-a', T0, T0 + 10 * DAY, () => 10, 1),
        traffic('agent-a', spikeAt, spikeAt + 5 * MINUTE, () => 120, 2),
      ),
    )[0]!;
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const target = alertmanagerTargetFromConfig(sinkConfig({ url, caFile: 'ca.pem', auth: { username: 'aw', passwordEnv: 'AM_PASSWORD' } }), {
        configDir: dir,
        env: { AM_PASSWORD: 'from-env' },
        registry,
      });
      expect(await registry.getSingleMetricAsString('agentwatch_alertmanager_open_alerts')).toContain('agentwatch_alertmanager_open_alerts{sink="am"} 0');
      await target.send(open, 1);
      await target.close();
      expect(seen).toEqual([`Basic ${Buffer.from('aw:from-env').toString('base64')}`]);
      expect(await registry.getSingleMetricAsString('agentwatch_alertmanager_open_alerts')).toContain('agentwatch_alertmanager_open_alerts{sink="am"} 1');
      expect(await registry.getSingleMetricAsString('agentwatch_alertmanager_resent_alerts_total')).toContain(
        'agentwatch_alertmanager_resent_alerts_total{sink="am",outcome="failed"} 0',
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
