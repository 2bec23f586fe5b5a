import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Alert } from '../../src/core/alerts/alert.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import { replay } from '../../src/pipeline/replay.js';
import { ROOT } from '../helpers/cli.js';
import { DATASETS } from '../helpers/datasets.js';

/**
 * The README's "Real logs" replays: the Invictus CloudTrail simulation and the Stratus
 * detonation logs, with the AWS pack and the forensic config shipped in examples/. Read in place
 * from ../shared/datasets; skipped (and said so) where that folder is absent.
 */
const INVICTUS = join(DATASETS, 'invictus-aws-dataset/CloudTrail');
const STRATUS = join(DATASETS, 'stratus-detonation-logs');
const present = existsSync(INVICTUS) && existsSync(STRATUS);
if (!present) console.warn(`[skipped] AWS replay tests: ${DATASETS} is absent (invictus-aws-dataset, stratus-detonation-logs)`);

const files = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));

async function replayAws(dir: string): Promise<{ opened: Alert[]; summary: Awaited<ReturnType<typeof replay>>['summary'] }> {
  const { config } = loadConfig(join(ROOT, 'examples/cloudtrail-forensics.yaml'), {});
  const alerts: Alert[] = [];
  const { summary } = await replay({
    files: files(dir),
    config,
    baselines: loadBaselinesDir(join(ROOT, 'baselines/packs/aws')).baselines,
    sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
  });
  return { opened: alerts.filter((a) => a.status === undefined || a.status === 'open'), summary };
}

const ROLE = (name: string) => `arn:aws:iam::123837392027:role/${name}`;
const BERT_JAN = 'arn:aws:iam::123837392027:user/bert-jan';
const brief = (a: Alert) => [a.detector, a.agentId, a.time];

describe.skipIf(!present)('replaying real CloudTrail with the AWS pack (examples/cloudtrail-forensics.yaml)', () => {
  it('Invictus: enumeration bursts, first secret reads, IAM backdoors and a second network surface', async () => {
    const { opened, summary } = await replayAws(INVICTUS);
    expect(summary).toMatchObject({ accepted: 2900, rejected: {}, formats: { cloudtrail: 55 }, lateEvents: 0 });
    const of = (detector: string, agentId: string) => opened.filter((a) => a.detector === detector && a.agentId === agentId);

    // Enumeration with the instance roles: all their calls denied, flagged from the 10th.
    expect(of('error_rate', ROLE('stratus-red-team-ec2-get-password-data-role')).map(brief)).toEqual([['error_rate', ROLE('stratus-red-team-ec2-get-password-data-role'), '2023-07-10T11:54:48.000Z']]);
    expect(of('error_rate', ROLE('stratus-red-team-get-usr-data-role')).map(brief)).toEqual([['error_rate', ROLE('stratus-red-team-get-usr-data-role'), '2023-07-10T12:02:56.000Z']]);

    // The operator's bursts of calls (Terraform set-up and the detonations) as rate spikes.
    expect(of('rate_spike', BERT_JAN).length).toBeGreaterThanOrEqual(2);

    // First touch of the Stratus secrets, EBS and RDS snapshots.
    const sensitive = of('new_sensitive_resource', BERT_JAN).map((a) => a.observed['label']);
    expect(sensitive).toEqual(expect.arrayContaining(['aws-secret', 'ebs-snapshot', 'rds-snapshot']));

    // IAM backdoors: AdministratorAccess attached to the backdoor role, a console password, an external trust anchor.
    const permissions = of('new_permission', BERT_JAN).filter((a) => a.severity === 'critical').map((a) => a.observed['permission']);
    expect(permissions).toEqual(expect.arrayContaining(['arn:aws:iam::aws:policy/AdministratorAccess', 'iam:CreateLoginProfile', 'rolesanywhere:CreateTrustAnchor']));
    const admin = of('new_permission', BERT_JAN).find((a) => a.observed['permission'] === 'arn:aws:iam::aws:policy/AdministratorAccess');
    expect(admin).toMatchObject({ time: '2023-07-10T12:24:10.000Z', evidence: ['493e08b7-63e4-49a4-832a-1a7598ce78e5'] });

    // The operator's key used from a second network while the first is active.
    expect(of('multi_location', BERT_JAN).map((a) => a.observed['place'])).toEqual(['10.8.8.10']);

    // Not raised: the other (benign) user, and the AWS services acting for the account.
    expect(opened.filter((a) => a.agentId.endsWith(':user/benjamin') || a.agentId.endsWith('.amazonaws.com'))).toEqual([]);
    // The stolen instance credentials: the instance's session used from a second network 6 s
    // after its first call. No baseline needed: an instance session has exactly one home.
    const stolen = of('multi_location', ROLE('stratus-red-team-ec2-steal-credentials-role'));
    expect(stolen.map((a) => [a.severity, a.observed['how'], a.observed['session'], a.observed['place'], a.expected['sessionHome']])).toEqual([['high', 'session_moved', 'i-0dbc91f429e48eeed', '192.168.10.20', '3.225.16.109']]);
  });

  it('Stratus: each technique that grants, reads secrets or probes raises its alert', async () => {
    const { opened, summary } = await replayAws(STRATUS);
    expect(summary).toMatchObject({ accepted: 310, rejected: {}, formats: { cloudtrail: 35 } });
    const critical = opened.filter((a) => a.detector === 'new_permission' && a.severity === 'critical').map((a) => a.observed['permission']).sort();
    expect(critical).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess', // persistence.iam-create-admin-user
      'arn:aws:iam::aws:policy/AdministratorAccess', // persistence.iam-create-backdoor-role
      'iam:CreateAccessKey', // persistence.iam-backdoor-user
      'iam:CreateLoginProfile', // persistence.iam-create-user-login-profile
      'iam:UpdateAssumeRolePolicy', // persistence.iam-backdoor-role
      'iam:UpdateLoginProfile', // privilege-escalation.iam-update-user-login-profile
      'rolesanywhere:CreateTrustAnchor', // persistence.rolesanywhere-create-trust-anchor
      'sts:GetFederationToken', // persistence.sts-federation-token
    ]);
    const labels = new Set(opened.filter((a) => a.detector === 'new_sensitive_resource').map((a) => a.observed['label']));
    expect([...labels].sort()).toEqual(['ai-model', 'audit-trail', 'aws-secret', 'aws-ssm-parameter', 'ebs-snapshot', 'rds-snapshot']);
    expect(opened.filter((a) => a.detector === 'new_sensitive_resource' && a.observed['label'] === 'aws-secret').every((a) => a.agentId === 'arn:aws:iam::903144391865:user/christophe')).toBe(true);
    expect(opened.filter((a) => a.detector === 'error_rate').map((a) => a.agentId.split(':role/')[1]).sort()).toEqual(['stratus-red-team-ec2-get-password-data-role', 'stratus-red-team-get-usr-data-role']);
    // Nothing learned can speak on a few seconds per technique.
    expect(opened.filter((a) => a.detector === 'rate_spike' || a.detector === 'multi_location' || a.detector === 'off_hours')).toEqual([]);
  });
});
