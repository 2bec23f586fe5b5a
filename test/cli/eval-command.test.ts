// `agentwatch eval`, in-process: the per-kind table and its JSON (issue 14).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'aw-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (name: string, rows: object[]): string => {
  const file = join(dir, name);
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
};

const labels = jsonl('labels.jsonl', [
  { id: 'l1', detector: 'rate_spike', kind: 'burst', agentId: 'a', start: '2026-03-10T10:00:00Z', end: '2026-03-10T10:20:00Z', description: 'burst' },
  {
    id: 'l2',
    detector: 'rate_drop',
    kind: 'silence',
    agentId: 'b',
    start: '2026-03-11T08:00:00Z',
    end: '2026-03-11T12:00:00Z',
    description: 'silence: nothing for 4 h',
  },
  { id: 'l3', detector: 'off_hours', agentId: 'c', start: '2026-03-12T02:00:00Z', end: '2026-03-12T02:30:00Z', description: 'night work' },
]);
const alertBase = { severity: 'high', score: 80, summary: 's', detectedAt: '2026-03-10T10:02:00Z', observed: 1, expected: 1, evidence: [], baseline: {} };
const alerts = jsonl('alerts.jsonl', [
  { ...alertBase, id: 'x1', agentId: 'a', detector: 'rate_spike', time: '2026-03-10T10:02:00Z', status: 'open' },
  { ...alertBase, id: 'x2', agentId: 'z', detector: 'rate_spike', time: '2026-03-13T10:00:00Z', status: 'open' },
]);

async function evalCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['node', 'agentwatch', 'eval', '--alerts', alerts, '--labels', labels, ...args]), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('agentwatch eval per kind', () => {
  it('prints the detector table, then one row per kind with median and p90 delay and false alerts per agent-week', async () => {
    const r = await evalCli('--agents', '4', '--days', '7');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^detector +anomalies +caught +caught % +alerts +right +other anomaly +false +median delay$/m);
    expect(r.stdout).toMatch(/^kind +detector +anomalies +caught +caught % +median delay +p90 delay +false\/agent-week$/m);
    expect(r.stdout).toMatch(/^burst +rate_spike +1 +1 +100 % +2 min +2 min +0\.25$/m);
    expect(r.stdout).toMatch(/^silence +rate_drop +1 +0 +0 % +- +- +0$/m);
    expect(r.stdout).toMatch(/^off_hours +off_hours +1 +0 +0 % +- +- +0$/m);
    expect(r.stdout).toMatch(/^False alerts: 1 over 4 agents × 1 weeks, 0\.25 per agent per week\.$/m);
    // A missed label names its kind when it has one.
    expect(r.stdout).toMatch(/^ {2}rate_drop\/silence b 2026-03-11 08:00 {2}silence: nothing for 4 h$/m);
    expect(r.stdout).toMatch(/^ {2}off_hours c 2026-03-12 02:00 {2}night work$/m);
  });

  it('--json: byKind and the p90 delay next to the existing fields', async () => {
    const r = await evalCli('--agents', '4', '--days', '14', '--json');
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as {
      byDetector: { detector: string; medianDelaySeconds: number | null; p90DelaySeconds: number | null; falseAlertsPerAgentWeek: number }[];
      byKind: { kind: string; detector: string; labels: number; recall: number; p90DelaySeconds: number | null; falseAlertsPerAgentWeek: number }[];
      falseAlertsPerAgentWeek: number;
    };
    expect(e.falseAlertsPerAgentWeek).toBe(0.125);
    expect(e.byDetector.find((d) => d.detector === 'rate_spike')).toMatchObject({
      medianDelaySeconds: 120,
      p90DelaySeconds: 120,
      falseAlertsPerAgentWeek: 0.125,
    });
    expect(e.byKind).toEqual([
      {
        kind: 'off_hours',
        detector: 'off_hours',
        labels: 1,
        detected: 0,
        recall: 0,
        medianDelaySeconds: null,
        p90DelaySeconds: null,
        falseAlertsPerAgentWeek: 0,
      },
      {
        kind: 'silence',
        detector: 'rate_drop',
        labels: 1,
        detected: 0,
        recall: 0,
        medianDelaySeconds: null,
        p90DelaySeconds: null,
        falseAlertsPerAgentWeek: 0,
      },
      {
        kind: 'burst',
        detector: 'rate_spike',
        labels: 1,
        detected: 1,
        recall: 1,
        medianDelaySeconds: 120,
        p90DelaySeconds: 120,
        falseAlertsPerAgentWeek: 0.125,
      },
    ]);
  });

  it('--detectors keeps the kinds of the chosen detectors only', async () => {
    const r = await evalCli('--detectors', 'rate_drop', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { byKind: { kind: string }[] }).byKind.map((k) => k.kind)).toEqual(['silence']);
  });
});
