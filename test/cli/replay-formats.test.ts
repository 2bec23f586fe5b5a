import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '../formats');
const jsonl = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('agentwatch replay on other log formats', () => {
  it('recognises each file (a gzip CloudTrail delivery file, EventBridge lines, a Kubernetes audit log), detects, and rejects with file, line, record and reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-formats-'));
    const delivery = join(dir, '111122223333_CloudTrail_eu-west-1_20260302T0915Z.json.gz');
    writeFileSync(delivery, gzipSync(readFileSync(join(FIXTURES, 'cloudtrail/fixtures/s3-delivery.json'))));
    const output = join(dir, 'alerts.jsonl');
    const summaryJson = join(dir, 'summary.json');
    const r = await cli([
      'replay',
      delivery,
      join(FIXTURES, 'cloudtrail/fixtures/eventbridge.jsonl'),
      join(FIXTURES, 'kubernetes/fixtures/audit.jsonl'),
      '--baselines',
      'baselines/packs/aws',
      '--config',
      'examples/cloudtrail-forensics.yaml',
      '--output',
      output,
      '--summary-json',
      summaryJson,
      '--no-progress',
    ]);
    expect(r.stderr).toContain('Formats: cloudtrail (2 files), k8s-audit (1 file).');
    expect(r.stderr).toContain('Skipped (valid records with nothing to detect on): cloudtrail insight event: 1, k8s-audit stage RequestReceived: 1.');
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(summaryJson, 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ accepted: 7 + 3 + 7, rejected: { bad_time: 1, unmapped: 2, not_json: 1 } });

    const rejects = jsonl(join(dir, 'alerts.rejects.jsonl')).map((x) => [String(x['file']).split('/').pop(), x['line'], x['record'], x['reason']]);
    expect(rejects).toEqual([
      ['111122223333_CloudTrail_eu-west-1_20260302T0915Z.json.gz', 1, 9, 'bad_time'],
      ['eventbridge.jsonl', 5, undefined, 'unmapped'],
      ['eventbridge.jsonl', 6, undefined, 'not_json'],
      ['audit.jsonl', 9, undefined, 'unmapped'],
    ]);

    // The pack's declared rules speak from the first event (the forensic config keeps no cold-start quiet).
    const alerts = jsonl(output).filter((a) => a['status'] === undefined || a['status'] === 'open');
    expect(alerts.map((a) => [a['detector'], a['agentId'], a['time']])).toEqual(
      expect.arrayContaining([
        ['new_permission', 'arn:aws:iam::111122223333:user/deploy-bot', '2026-03-02T09:16:00.000Z'],
        ['new_sensitive_resource', 'arn:aws:iam::111122223333:role/agents/invoice-agent-role', '2026-03-02T09:15:00.000Z'],
        ['new_sensitive_resource', 'arn:aws:iam::111122223333:role/ci-deployer', '2026-03-02T10:01:00.000Z'],
      ]),
    );
    expect(alerts.filter((a) => String(a['agentId']).startsWith('system:'))).toEqual([]);
  });

  it('--format forces one format; an unknown one is a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-formats-'));
    const forced = await cli([
      'replay',
      join(FIXTURES, 'kubernetes/fixtures/audit.jsonl'),
      '--format',
      'cloudtrail',
      '--output',
      join(dir, 'a.jsonl'),
      '--summary-json',
      join(dir, 's.json'),
      '--no-progress',
    ]);
    expect(forced.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))).toMatchObject({ accepted: 0, rejected: { unmapped: 9 }, formats: { cloudtrail: 1 } });
    const bad = await cli(['replay', join(FIXTURES, 'kubernetes/fixtures/audit.jsonl'), '--format', 'syslog', '--output', join(dir, 'b.jsonl')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      'agentwatch: unknown log format "syslog" (expected one of: auto, native, cloudtrail, k8s-audit, entra, ocsf, otel) [AW_INVALID_CONFIG]',
    );
  });
});
