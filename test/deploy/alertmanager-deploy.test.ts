// deploy/alertmanager/alertmanager.yml, checked without Docker: Debian's amtool validates it and
// says which receiver each alert reaches — agentwatch's detections (labels as the sink makes them)
// by severity, Prometheus's health alerts (deploy/prometheus/rules) to ops; docker-compose.yml
// and deploy/prometheus wire it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert } from '../../src/core/alerts/alert.js';
import { alertmanagerLabels } from '../../src/sinks/alertmanager/alertmanager-alert.js';
import { alertmanagerAvailable } from '../helpers/alertmanager.js';
import { ROOT } from '../helpers/cli.js';
import { ruleExpressions } from '../helpers/prometheus.js';

const AMTOOL_BIN = process.env['AMTOOL_BIN'] ?? '/usr/bin/amtool';
const CONFIG = 'deploy/alertmanager/alertmanager.yml';
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

function amtool(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(AMTOOL_BIN, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The receiver(s) Alertmanager's routing tree picks for a label set. */
function receiverFor(labels: Record<string, string>): string {
  const r = amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  expect(r.ok, r.output).toBe(true);
  return r.output.trim();
}

const detection = (severity: Alert['severity'], detector: Alert['detector'] = 'rate_spike'): Record<string, string> =>
  alertmanagerLabels({ agentId: 'invoice-bot-7', agentClass: 'invoice-summarizer', tenant: 'contoso', detector, severity } as Alert);

describe.skipIf(!alertmanagerAvailable(AMTOOL_BIN))('deploy/alertmanager (amtool)', () => {
  it('amtool check-config passes', () => {
    const r = amtool(['check-config', CONFIG]);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toMatch(/SUCCESS/);
  });

  it('routes agentwatch detections by severity: critical pages, low goes to the digest, the rest to the SOC queue', () => {
    expect(receiverFor(detection('critical'))).toBe('soc-pager');
    expect(receiverFor(detection('high', 'new_permission'))).toBe('soc-queue');
    expect(receiverFor(detection('medium', 'off_hours'))).toBe('soc-queue');
    expect(receiverFor(detection('low', 'multi_location'))).toBe('soc-digest');
  });

  it('routes every health alert of deploy/prometheus/rules (no detector label) to ops, critical ones included', () => {
    const doc = parse(read('deploy/prometheus/rules/agentwatch-rules.yml')) as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(rules.map((r) => r.alert)).toEqual(ruleExpressions().map((r) => r.alert));
    for (const rule of rules) expect(receiverFor({ alertname: rule.alert!, ...rule.labels }), rule.alert).toBe('ops');
  });
});

describe('deploy/alertmanager wiring', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, { profiles?: string[]; command?: string[]; volumes?: string[]; ports?: string[] }>;
  };

  it("docker-compose.yml runs Alertmanager with every `up` (agentwatch's config routes to it) with this config, and Prometheus sends to it", () => {
    const am = compose.services['alertmanager']!;
    expect(am.profiles).toBeUndefined();
    const configArg = am.command!.find((c) => c.startsWith('--config.file='))!.slice('--config.file='.length);
    expect(am.volumes).toContain(`./${CONFIG}:${configArg}:ro`);
    expect(am.command).toContain('--cluster.listen-address=');
    expect(am.ports).toContain('9093:9093');
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    expect(prometheus.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets))).toEqual(['alertmanager:9093']);
    expect(existsSync(join(ROOT, CONFIG))).toBe(true);
  });
});
