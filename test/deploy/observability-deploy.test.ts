// deploy/ for Prometheus and Grafana, checked without Docker: promtool validates the scrape
// config and the rules and runs the rules' unit tests; the dashboard and the rules only name
// metrics that agentwatch exports; docker-compose.yml wires them together.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isLoopback } from '../../src/telemetry/metrics-server.js';
import { loadConfig } from '../../src/config/load-config.js';
import { PrometheusMetrics } from '../../src/telemetry/prometheus-metrics.js';
import { ROOT } from '../helpers/cli.js';
import { DASHBOARD_FILE, PROMTOOL_BIN, dashboardExpressions, prometheusAvailable, promtool, ruleExpressions } from '../helpers/prometheus.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Metric names an expression selects (identifiers followed by a selector, range or end). */
function metricNames(expr: string): string[] {
  const names = [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=\{|\[|\)|$|\s*(?:[<>=!]|and\b|or\b|unless\b|\/))/g)].map((m) => m[1] as string);
  return names.filter((n) => /^(agentwatch|process|nodejs|up)(_|$)/.test(n));
}

async function exportedNames(): Promise<Set<string>> {
  const m = new PrometheusMetrics();
  const names = new Set<string>(['up']);
  for (const metric of await m.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${s}`);
  }
  return names;
}

describe.skipIf(!prometheusAvailable(PROMTOOL_BIN))('Prometheus configuration and rules (promtool)', () => {
  it('promtool check config passes on deploy/prometheus/prometheus.yml, rule files included', () => {
    const r = promtool(['check', 'config', 'deploy/prometheus/prometheus.yml']);
    expect(r.output).toMatch(/SUCCESS: 1 rule files found/);
    expect(r.ok, r.output).toBe(true);
  });

  it('promtool check rules passes', () => {
    const r = promtool(['check', 'rules', 'deploy/prometheus/rules/agentwatch-rules.yml']);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toMatch(/SUCCESS: 15 rules found/);
  });

  it('the rules fire when they should, and only then (promtool test rules)', () => {
    const r = promtool(['test', 'rules', 'agentwatch-rules.test.yml'], join(ROOT, 'deploy/prometheus/rules'));
    expect(r.ok, r.output).toBe(true);
    const tested = new Set([...read('deploy/prometheus/rules/agentwatch-rules.test.yml').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    for (const { alert } of ruleExpressions()) expect(tested.has(alert), `${alert} has a promtool test`).toBe(true);
  });
});

describe('Grafana dashboard and alerting rules', () => {
  it('the dashboard uses the provisioned datasource and only metrics agentwatch exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
      uid: string;
      panels: { datasource?: { uid: string }; targets?: { datasource?: { uid: string } }[] }[];
    };
    expect(dashboard.uid).toBe('agentwatch-fleet');
    const queried = dashboard.panels.filter((x) => x.targets);
    expect(queried.length).toBeGreaterThan(0);
    for (const p of queried) {
      expect(p.datasource?.uid).toBe('agentwatch-prometheus');
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe('agentwatch-prometheus');
    }
    const exported = await exportedNames();
    const exprs = [...dashboardExpressions().map((d) => d.expr), ...ruleExpressions().map((r) => r.expr)];
    expect(exprs.length).toBeGreaterThan(40);
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${name} in ${expr}`).toBe(true);
    }
    // Every metric of ours is on the dashboard or in a rule.
    const used = new Set(exprs.flatMap(metricNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    for (const name of exported) if (name.startsWith('agentwatch_')) expect(used.has(name.replace(/_(bucket|sum|count)$/, '')), `${name} unused`).toBe(true);
  });

  it('docker-compose.yml lets Prometheus scrape agentwatch and load the rules', () => {
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, string | number>; volumes?: string[] }> };
    const env = Object.fromEntries(Object.entries(compose.services['agentwatch']?.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const { telemetry } = loadConfig(undefined, env).config;
    expect(isLoopback(telemetry.host), 'agentwatch must listen beyond loopback in a container').toBe(false);
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.scrape_configs[0]?.static_configs[0]?.targets).toEqual([`agentwatch:${telemetry.port}`]);
    // Each rule file, resolved next to the mounted config, is a mounted file that exists here.
    const mounts = (compose.services['prometheus']?.volumes ?? [])
      .map((v) => v.split(':'))
      .map(([host, container]) => ({ host: host as string, container: container as string }));
    for (const rules of prometheus.rule_files) {
      const inContainer = posix.join('/etc/prometheus', rules);
      const mount = mounts.find((m) => inContainer === m.container || inContainer.startsWith(`${m.container}/`));
      expect(mount, `${inContainer} is mounted`).toBeDefined();
      expect(existsSync(join(ROOT, mount!.host, inContainer.slice(mount!.container.length)))).toBe(true);
    }
  });
});
