// A real Prometheus for tests (Debian's `prometheus` package, installed by .ci/run), started on a
// free loopback port with its own storage directory, and the PromQL of deploy/ made queryable.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cli.js';

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env['PROMTOOL_BIN'] ?? '/usr/bin/promtool';
export const RULES_FILE = join(ROOT, 'deploy/prometheus/rules/agentwatch-rules.yml');
export const DASHBOARD_FILE = join(ROOT, 'deploy/grafana/dashboards/agentwatch.json');

function isCI(): boolean {
  const ci = process.env['CI']?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Whether the binary is there; without it the tests skip, except in CI, where that is a failure. */
export function prometheusAvailable(bin: string): boolean {
  if (existsSync(bin)) return true;
  if (isCI()) throw new Error(`${bin} is missing: CI must install Debian's prometheus package (.ci/run does)`);
  console.warn(`[prometheus] ${bin} not found: Prometheus tests skipped (apt-get install prometheus)`);
  return false;
}

export function promtool(args: string[], cwd = ROOT): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(PROMTOOL_BIN, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export class TestPrometheus {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly log: () => string,
  ) {}

  /** Scrapes `target` (host:port) every second as job `agentwatch`, evaluating `ruleFiles` every second. */
  static async start(target: string, ruleFiles: readonly string[] = []): Promise<TestPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'aw-prometheus-'));
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: ruleFiles,
      scrape_configs: [{ job_name: 'agentwatch', metrics_path: '/metrics', static_configs: [{ targets: [target] }] }],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2)); // JSON is YAML
    const port = await freePort();
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (d) => (log += String(d)));
    const p = new TestPrometheus(`http://127.0.0.1:${port}`, child, dir, () => log);
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}:\n${log}`);
      try {
        if ((await fetch(`${p.url}/-/ready`)).ok) return p;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await p.stop();
    throw new Error(`prometheus did not become ready:\n${log}`);
  }

  async api<T>(path: string, params: Record<string, string | string[]> = {}): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
    const res = await fetch(`${this.url}/api/v1/${path}?${q}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
    return body.data;
  }

  /** An instant query's samples (vector results; a scalar becomes one sample). */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.api<{ resultType: string; result: unknown }>('query', { query: expr });
    if (data.resultType === 'vector') return data.result as PromSample[];
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
    throw new Error(`${expr}: unexpected ${data.resultType}`);
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

interface DashboardPanel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: DashboardPanel[];
}

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export function dashboardExpressions(file = DASHBOARD_FILE): { panel: string; expr: string }[] {
  const walk = (panels: DashboardPanel[] = []): { panel: string; expr: string }[] =>
    panels.flatMap((p) => [...(p.targets ?? []).filter((t) => t.expr).map((t) => ({ panel: p.title ?? '?', expr: t.expr as string })), ...walk(p.panels)]);
  return walk((JSON.parse(readFileSync(file, 'utf8')) as { panels: DashboardPanel[] }).panels);
}

/** Grafana's interval variables as Grafana would fill them in for a short range. */
export function grafanaToPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '1h');
}

export function ruleExpressions(file = RULES_FILE): { alert: string; expr: string }[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ alert: r.alert ?? r.record ?? '?', expr: r.expr })));
}

/**
 * An alerting expression as a probe that returns data whenever its series exist, firing or not:
 * each comparison with a number becomes a `bool` comparison (`x > 1000` → `x > bool 1000`), so
 * a healthy instance answers 0 instead of nothing.
 */
export function asProbe(expr: string): string {
  return expr.replace(/(==|!=|>=|<=|>|<)\s*(?=-?\d)/g, '$1 bool ');
}
