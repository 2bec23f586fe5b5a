import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli } from '../helpers/cli.js';

/**
 * `agentwatch replay` end to end on one fixture per format, format detected from the records.
 * Each fixture is three hours of steady traffic from two identities, then one anomaly; a short
 * learning period (1 h, 5 events) lets the identities mature inside the file.
 */
const dir = mkdtempSync(join(tmpdir(), 'aw-formats-'));
const config = join(dir, 'config.yaml');
writeFileSync(config, 'engine:\n  learningPeriodMs: 3600000\n  minLearningEvents: 5\n');

interface AlertLine {
  agentId: string;
  detector: string;
  severity: string;
  summary: string;
  time: string;
  status?: string;
  observed: Record<string, unknown>;
}

async function replay(
  name: string,
  fixture: string,
  baselines: string,
): Promise<{ opening: AlertLine[]; rejects: { reason: string; error: string }[]; stderr: string }> {
  const out = join(dir, `${name}.alerts.jsonl`);
  const r = await cli(['replay', join(ROOT, fixture), '--baselines', join(ROOT, baselines), '--config', config, '--output', out]);
  expect(r.status, r.stderr).toBe(0);
  const alerts = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AlertLine);
  const rejectsFile = join(dir, `${name}.alerts.rejects.jsonl`);
  const rejects = existsSync(rejectsFile)
    ? readFileSync(rejectsFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { reason: string; error: string })
    : [];
  return { opening: alerts.filter((a) => a.status === undefined || a.status === 'open'), rejects, stderr: r.stderr };
}

describe('agentwatch replay on Entra ID, OCSF and OpenTelemetry logs', () => {
  it('Entra: a service principal granting itself a tier-0 Graph role, then adding a credential to another SP: two critical new_permission alerts, nothing else', async () => {
    const { opening, rejects } = await replay('entra', 'test/formats/entra/fixtures/replay-privileged-grant.jsonl', 'baselines/packs/azure');
    expect(opening.map((a) => [a.detector, a.severity, a.agentId, a.observed['permission'], a.time])).toEqual([
      ['new_permission', 'critical', '9d0f5c1e-aaaa-4bbb-8ccc-000000000001', 'RoleManagement.ReadWrite.Directory', '2026-03-02T12:00:00.000Z'],
      [
        'new_permission',
        'critical',
        '9d0f5c1e-aaaa-4bbb-8ccc-000000000001',
        'credential:ServicePrincipal/b7c8d9e0-2222-4333-8444-000000000005',
        '2026-03-02T12:45:00.000Z',
      ],
    ]);
    expect(opening[0]?.summary).toMatch(/requested privileged permission RoleManagement\.ReadWrite\.Directory for the first time/);
    // The human sign-in in the envelopes is skipped; the audit record without an initiator is rejected with its reason.
    expect(rejects.map((r) => r.error)).toEqual([expect.stringMatching(/initiatedBy names no app or user/)]);
  });

  it('OTel: an agent calling a shell tool for the first time: one new_sensitive_resource alert, nothing for the other agent', async () => {
    const { opening, rejects } = await replay('otel', 'test/formats/otel/fixtures/replay-sensitive-tool.jsonl', 'baselines/packs/genai');
    expect(opening.map((a) => [a.detector, a.severity, a.agentId, a.observed['resource'], a.time])).toEqual([
      ['new_sensitive_resource', 'high', 'asst_A1', 'tool:run_shell', '2026-03-02T12:00:00.000Z'],
    ]);
    expect(opening[0]?.summary).toMatch(/asst_A1 accessed shell resource tool:run_shell for the first time/);
    expect(rejects).toEqual([]);
  });

  it('OCSF: an assumed role reading a secret for the first time: one new_sensitive_resource alert; a network class is rejected', async () => {
    const { opening, rejects } = await replay('ocsf', 'test/formats/ocsf/fixtures/replay-first-secret.jsonl', 'baselines');
    expect(opening.map((a) => [a.detector, a.severity, a.agentId, a.observed['resource'], a.time])).toEqual([
      [
        'new_sensitive_resource',
        'high',
        'arn:aws:iam::123456789012:role/report-builder',
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-AbCdEf',
        '2026-03-02T12:00:00.000Z',
      ],
    ]);
    expect(rejects.map((r) => r.error)).toEqual(['OCSF class 4001 is not read (supported: API Activity 6003, Authentication 3002)']);
  });
});
