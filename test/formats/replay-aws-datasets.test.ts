import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
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

const files = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(dir, n));

async function replayAws(
  dir: string | string[],
  configFile: string | null = join(ROOT, 'examples/cloudtrail-forensics.yaml'),
): Promise<{ opened: Alert[]; summary: Awaited<ReturnType<typeof replay>>['summary'] }> {
  // null: the default config, as with no --config.
  const { config } = loadConfig(configFile ?? undefined, {});
  const alerts: Alert[] = [];
  const { summary } = await replay({
    files: Array.isArray(dir) ? dir : files(dir),
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
    expect(of('error_rate', ROLE('stratus-red-team-ec2-get-password-data-role')).map(brief)).toEqual([
      ['error_rate', ROLE('stratus-red-team-ec2-get-password-data-role'), '2023-07-10T11:54:48.000Z'],
    ]);
    expect(of('error_rate', ROLE('stratus-red-team-get-usr-data-role')).map(brief)).toEqual([
      ['error_rate', ROLE('stratus-red-team-get-usr-data-role'), '2023-07-10T12:02:56.000Z'],
    ]);

    // The operator's bursts of calls (Terraform set-up and the detonations) as rate spikes.
    expect(of('rate_spike', BERT_JAN).length).toBeGreaterThanOrEqual(2);

    // First touch of the Stratus secrets and EBS snapshots. The RDS snapshot bert-jan created
    // himself is not a first access (issue 15, item 5); his sharing it out is the alert, named so.
    const sensitive = of('new_sensitive_resource', BERT_JAN).map((a) => a.observed['label']);
    expect(sensitive).toEqual(expect.arrayContaining(['aws-secret', 'ebs-snapshot']));
    expect(sensitive).not.toContain('rds-snapshot');
    const acts = of('new_sensitive_action', BERT_JAN).map((a) => a.observed['label']);
    expect(acts).toEqual(
      expect.arrayContaining([
        'audit-logging-stopped',
        'network-logging-stopped',
        'ingress-open-to-world',
        'rds-snapshot-shared',
        'function-public',
        'function-code-replaced',
        'remote-command',
      ]),
    );
    expect(of('new_sensitive_action', BERT_JAN).find((a) => a.observed['label'] === 'rds-snapshot-shared')).toMatchObject({
      time: '2023-07-10T12:22:06.000Z',
      severity: 'high',
      evidence: ['2d19ab1e-82e9-4302-ad10-a405b50c8d49'],
    });

    // IAM backdoors: AdministratorAccess attached to the backdoor role, a console password, an external trust anchor.
    const permissions = of('new_permission', BERT_JAN)
      .filter((a) => a.severity === 'critical')
      .map((a) => a.observed['permission']);
    expect(permissions).toEqual(
      expect.arrayContaining(['arn:aws:iam::aws:policy/AdministratorAccess', 'iam:CreateLoginProfile', 'rolesanywhere:CreateTrustAnchor']),
    );
    const admin = of('new_permission', BERT_JAN).find((a) => a.observed['permission'] === 'arn:aws:iam::aws:policy/AdministratorAccess');
    expect(admin).toMatchObject({ time: '2023-07-10T12:24:10.000Z', evidence: ['493e08b7-63e4-49a4-832a-1a7598ce78e5'] });

    // The operator's key used from a second network while the first is active.
    expect(of('multi_location', BERT_JAN).map((a) => a.observed['place'])).toEqual(['10.8.8.10']);

    // Not raised: the other (benign) user, and the AWS services acting for the account.
    expect(opened.filter((a) => a.agentId.endsWith(':user/benjamin') || a.agentId.endsWith('.amazonaws.com'))).toEqual([]);
    // The stolen instance credentials: the instance's session used from a second network 6 s
    // after its first call. No baseline needed: an instance session has exactly one home.
    const stolen = of('multi_location', ROLE('stratus-red-team-ec2-steal-credentials-role'));
    expect(stolen.map((a) => [a.severity, a.observed['how'], a.observed['session'], a.observed['place'], a.expected['sessionHome']])).toEqual([
      ['high', 'session_moved', 'i-0dbc91f429e48eeed', '192.168.10.20', '3.225.16.109'],
    ]);
  });

  it('Stratus: each technique that grants, reads secrets or probes raises its alert', async () => {
    const { opened, summary } = await replayAws(STRATUS);
    expect(summary).toMatchObject({ accepted: 310, rejected: {}, formats: { cloudtrail: 35 } });
    const critical = opened
      .filter((a) => a.detector === 'new_permission' && a.severity === 'critical')
      .map((a) => a.observed['permission'])
      .sort();
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
    // A trail stopped or a snapshot shared is reported as the act (new_sensitive_action), not as a first touch.
    const labels = new Set(opened.filter((a) => a.detector === 'new_sensitive_resource').map((a) => a.observed['label']));
    expect([...labels].sort()).toEqual(['ai-model', 'aws-secret', 'aws-ssm-parameter']);
    expect(
      opened
        .filter((a) => a.detector === 'new_sensitive_resource' && a.observed['label'] === 'aws-secret')
        .every((a) => a.agentId === 'arn:aws:iam::903144391865:user/christophe'),
    ).toBe(true);
    expect(
      opened
        .filter((a) => a.detector === 'error_rate')
        .map((a) => a.agentId.split(':role/')[1])
        .sort(),
    ).toEqual(['stratus-red-team-ec2-get-password-data-role', 'stratus-red-team-get-usr-data-role']);
    // Nothing learned can speak on a few seconds per technique.
    expect(opened.filter((a) => a.detector === 'rate_spike' || a.detector === 'multi_location' || a.detector === 'off_hours')).toEqual([]);
  });

  /** Technique (file name) of each Stratus event id: an alert counts for the technique its evidence belongs to. */
  const techniqueOf = (): Map<string, string> => {
    const m = new Map<string, string>();
    for (const f of files(STRATUS))
      for (const r of JSON.parse(readFileSync(f, 'utf8')) as { eventID: string }[])
        m.set(
          r.eventID,
          f
            .split('/')
            .pop()
            ?.replace(/^aws\.|\.json$/g, '') ?? f,
        );
    return m;
  };
  const surfaced = (opened: Alert[], technique: Map<string, string>) =>
    new Set(opened.flatMap((a) => a.evidence.map((id) => technique.get(id) ?? '')).filter((t) => t !== ''));

  it('Stratus (issue 15): every technique raises an opening alert that names its key action', async () => {
    const { opened } = await replayAws(STRATUS);
    const technique = techniqueOf();
    expect(surfaced(opened, technique).size).toBe(35);
    const act = (label: string) => opened.find((a) => a.detector === 'new_sensitive_action' && a.observed['label'] === label);
    expect(act('audit-logging-stopped')?.summary).toMatch(/called cloudtrail:(StopLogging|DeleteTrail) \(audit-logging-stopped\)/);
    expect(act('ebs-snapshot-shared')).toMatchObject({
      severity: 'high',
      observed: { action: 'ec2:ModifySnapshotAttribute', conditions: ['aws.sharedWith=098797384747'] },
    });
    expect(act('ingress-open-to-world')?.summary).toContain(
      'ec2:AuthorizeSecurityGroupIngress (ingress-open-to-world) for the first time on arn:aws:ec2:us-northeast-1r:032092706103:security-group/sg-003dc7f1f1c686164 with aws.ingressCidrs=208.236.235.254/0',
    );
    expect(act('function-public')?.observed).toMatchObject({ action: 'lambda:AddPermission', conditions: ['aws.principal=*'] });
    expect(act('console-login-without-mfa')).toMatchObject({ agentId: 'arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl', severity: 'high' });
    expect(act('organization-left')?.summary).toContain('tried (denied) to call organizations:LeaveOrganization');
  });

  it('Stratus with the default config (no forensic file), each technique replayed alone as a short capture: the privileged and sensitive-action techniques surface; first secret reads stay quiet at a cold start', async () => {
    const technique = techniqueOf();
    const quiet: string[] = [];
    let agents = 0;
    let learning = 0;
    for (const file of files(STRATUS)) {
      const { opened, summary } = await replayAws([file], null);
      if (surfaced(opened, technique).size === 0) quiet.push(file.split('/').pop() as string);
      expect(
        opened.filter((a) => a.detector === 'new_sensitive_resource' || a.detector === 'rate_spike').map((a) => a.summary),
        file,
      ).toEqual([]);
      agents += summary.agents;
      learning += summary.learningAgents;
    }
    // Nearly every identity of a few-minute capture is still learning: the summary says so (format-summary).
    expect(learning / agents).toBeGreaterThan(0.9);
    expect(quiet).toEqual(['aws.credential-access.secretsmanager-retrieve-secrets.json', 'aws.credential-access.ssm-retrieve-securestring-parameters.json']);
  });
});
