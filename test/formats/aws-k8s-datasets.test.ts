import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../src/core/errors.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { SkippedRecord } from '../../src/formats/log-format.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/events/decode-audit-event.js';
import { openDecodedRecords } from '../../src/sources/decoded-record-stream.js';
import { DATASETS } from '../helpers/datasets.js';

/**
 * The real public samples in ../shared/datasets (see each SOURCE.md), read in place through the
 * same sniffing and readers as `agentwatch replay`. Where the folder is absent these tests are
 * skipped, and say so; CI has it.
 */
const NAMES = ['invictus-aws-dataset', 'stratus-detonation-logs', 'otrf-aws-ec2-s3-exfil', 'falco-k8s-audit'];
const present = NAMES.every((n) => existsSync(join(DATASETS, n)));
if (!present) console.warn(`[skipped] CloudTrail and Kubernetes dataset tests: ${DATASETS} is absent (${NAMES.join(', ')})`);

interface Read {
  events: AuditEvent[];
  rejects: Array<{ file: string; line: number; reason: string; message: string }>;
  skipped: string[];
  formats: Set<string>;
}

async function readAll(dir: string): Promise<Read> {
  const out: Read = { events: [], rejects: [], skipped: [], formats: new Set() };
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    const input = openDecodedRecords(file, { maxDocumentBytes: 1 << 28, maxEventBytes: DEFAULT_MAX_EVENT_BYTES });
    const plan = input.plan;
    out.formats.add(`${plan.layout}:${plan.sniffed?.name ?? (plan.native ? 'native' : 'auto')}`);
    for await (const batch of input.batches) {
      for (const [i, o] of batch.records.entries()) {
        if (o instanceof SkippedRecord) out.skipped.push(o.reason);
        else if (o instanceof InvalidEventError) out.rejects.push({ file: name, line: batch.lines[i] as number, reason: o.reason, message: o.message });
        else out.events.push(o);
      }
    }
  }
  return out;
}

const one = (events: AuditEvent[], id: string): AuditEvent => {
  const found = events.filter((e) => e.id === id);
  expect(found, id).toHaveLength(1);
  return found[0] as AuditEvent;
};

describe.skipIf(!present)('CloudTrail and Kubernetes adapters on the real samples (../shared/datasets)', () => {
  it('Invictus: 55 S3 delivery files, 2,900 records, every one an event', async () => {
    const r = await readAll(join(DATASETS, 'invictus-aws-dataset/CloudTrail'));
    expect([...r.formats]).toEqual(['lines:cloudtrail']);
    expect(r.rejects).toEqual([]);
    expect(r.events).toHaveLength(2900);
    expect(r.events.filter((e) => e.outcome === 'denied')).toHaveLength(60); // AccessDenied 16 + Client.UnauthorizedOperation 44
    expect(r.events.filter((e) => e.outcome === 'failure')).toHaveLength(240);
    // The stolen instance credentials: the role, its instance session, used from the attacker's network.
    expect(one(r.events, 'd3d5fd99-faa9-4959-a464-56fba613cc2e')).toMatchObject({
      agentId: 'arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role',
      action: 'ec2:DescribeInstances',
      source: { ip: '192.168.10.20' },
      attributes: { 'aws.sessionName': 'i-0dbc91f429e48eeed', 'aws.identityType': 'AssumedRole' },
    });
    // The IAM backdoor: AdministratorAccess attached to a role, as a permission request.
    expect(one(r.events, '493e08b7-63e4-49a4-832a-1a7598ce78e5')).toMatchObject({
      agentId: 'arn:aws:iam::123837392027:user/bert-jan',
      category: 'permission_request',
      permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
      resource: 'arn:aws:iam::123837392027:role/stratus-red-team-backdoor-r-role',
    });
    expect(one(r.events, '3a314d47-ffc3-4e98-87ae-fb4414ad7b62')).toMatchObject({
      category: 'resource_access',
      resource: 'arn:aws:secretsmanager:us-east-1:123837392027:secret:stratus-red-team-retrieve-secret-11-mekIRl',
    });
    const denied = r.events.filter((e) => e.agentId.endsWith('role/stratus-red-team-ec2-get-password-data-role'));
    expect(denied).toHaveLength(29);
    expect(denied.every((e) => e.outcome === 'denied' && e.action === 'ec2:GetPasswordData')).toBe(true);
  });

  it('Stratus detonation logs: 35 JSON arrays, 310 records, every one an event', async () => {
    const r = await readAll(join(DATASETS, 'stratus-detonation-logs'));
    expect([...r.formats]).toEqual(['document:cloudtrail']);
    expect(r.rejects).toEqual([]);
    expect(r.events).toHaveLength(310);
    const grants = r.events.filter((e) => e.category === 'permission_request').map((e) => e.permission);
    expect(grants).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::aws:policy/AdministratorAccess',
        'iam:CreateAccessKey',
        'iam:CreateLoginProfile',
        'iam:UpdateLoginProfile',
        'iam:UpdateAssumeRolePolicy',
        'sts:GetFederationToken',
        'rolesanywhere:CreateTrustAnchor',
      ]),
    );
    const secrets = r.events.filter((e) => e.action === 'secretsmanager:GetSecretValue');
    expect(secrets).toHaveLength(20);
    expect(secrets.every((e) => e.resource?.startsWith('arn:aws:secretsmanager:cn-centraleast-1r:903144391865:secret:stratus-red-team-retrieve-secret-'))).toBe(
      true,
    );
    expect(r.events.filter((e) => e.action === 'ssm:GetParameters').map((e) => e.resource)).toContain(
      'arn:aws:ssm:cn-west-3r:933175858973:parameter/credentials/stratus-red-team/credentials-1',
    );
    expect(r.events.find((e) => e.agentId.includes('federated-user'))).toMatchObject({
      agentId: 'arn:aws:sts::742491224508:federated-user/stratus_red_team',
      attributes: { 'aws.identityType': 'FederatedUser' },
    });
    expect(r.events.find((e) => e.action === 'bedrock:InvokeModel')).toMatchObject({
      resource: expect.stringMatching(/^arn:aws:bedrock:.*:foundation-model\/anthropic\./),
    });
  });

  it('OTRF EC2 proxy S3 exfiltration: Elastic lines with @timestamp only, the stolen WAF role mapped', async () => {
    const r = await readAll(join(DATASETS, 'otrf-aws-ec2-s3-exfil'));
    expect([...r.formats]).toEqual(['lines:cloudtrail']);
    expect(r.rejects).toEqual([]);
    expect(r.events).toHaveLength(103);
    const waf = r.events.filter((e) => e.agentId === 'arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0');
    expect(waf.map((e) => e.action)).toEqual(expect.arrayContaining(['s3:ListBuckets', 's3:GetObject']));
    expect(waf.find((e) => e.action === 's3:GetObject')).toMatchObject({
      category: 'resource_access',
      resource: 'arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/ring.txt',
      attributes: { 'aws.userAgent': expect.stringContaining('aws-cli/1.18.136') },
    });
    expect(r.events.filter((e) => e.agentId === 'ec2.amazonaws.com')).toHaveLength(5);
  });

  it('Falco Kubernetes audit traces: every Event maps, exec and attach (ResponseStarted) counted, the malformed fixture rejected', async () => {
    const r = await readAll(join(DATASETS, 'falco-k8s-audit/trace_files'));
    expect(r.events).toHaveLength(51);
    expect(r.skipped).toEqual([]);
    expect(r.events.filter((e) => e.action === 'create pods/exec' || e.action === 'create pods/attach').map((e) => e.attributes?.['k8s.stage'])).toEqual([
      'ResponseStarted',
      'ResponseStarted',
    ]);
    // The tokens controller writing a service account's token secret: the control plane's upkeep (issue 15, item 6).
    expect(one(r.events, '40ed7b5a-e92f-49ec-a359-86d36077d9c8')).toMatchObject({
      agentId: 'system:kube-controller-manager',
      attributes: { housekeeping: true },
    });
    // No sample carries a pod-bound token's user.extra (minikube 2018-2020, before bound tokens): nothing to bind.
    expect(r.events.filter((e) => e.source?.session !== undefined)).toEqual([]);
    // A lone record that no format recognises is read as native (as replay reads it): the native schema says what it lacks.
    expect(r.rejects).toEqual([{ file: 'fal_01_003.json', line: 1, reason: 'schema', message: 'event: missing required field "id"' }]);
    expect(
      r.events
        .filter((e) => e.attributes?.['k8s.identityKind'] === 'serviceaccount')
        .every((e) => e.agentId === 'system:serviceaccount:kube-system:replicaset-controller'),
    ).toBe(true);
    // Every trace Falco's "Attach to cluster-admin Role" rule fires on is a cluster-admin permission request here.
    const labels = readFileSync(join(DATASETS, 'falco-k8s-audit/labels.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('Attach to cluster-admin Role='));
    expect(labels.length).toBeGreaterThan(0);
    const attach = readFileSync(join(DATASETS, 'falco-k8s-audit/trace_files', (labels[0] as string).split(',')[1] as string), 'utf8');
    const ids = attach
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { auditID: string }).auditID);
    for (const id of ids)
      expect(one(r.events, id)).toMatchObject({
        category: 'permission_request',
        permission: 'ClusterRole/cluster-admin',
        action: 'create clusterrolebindings',
      });
    expect(r.events.find((e) => e.resource === '/namespaces/kube-system/secrets/bootstrap-token-ne7bxu')).toMatchObject({
      agentId: 'admin',
      action: 'create secrets',
      attributes: { 'k8s.identityKind': 'user' },
    });
  });
});
