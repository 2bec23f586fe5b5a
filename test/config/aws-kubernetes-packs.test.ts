import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';

const pack = (name: string) => loadBaselinesDir(fileURLToPath(new URL(`../../baselines/packs/${name}/`, import.meta.url)));

describe("the shipped AWS pack (baselines/packs/aws), over the CloudTrail adapter's ARNs and permissions", () => {
  const { baselines, files } = pack('aws');
  const label = (r: string) => baselines.sensitiveResources.match(r)?.label;
  const privileged = (p: string) => baselines.privileged.match(p)?.label;

  it('loads every file through the baselines validator', () => {
    expect(files.map((f) => f.split('/').pop())).toEqual(['aws-privileged.yaml', 'aws-sensitive-actions.yaml', 'aws-sensitive.yaml']);
  });

  it('marks secrets, parameters, keys, secret-ish buckets, snapshots, trails and models as sensitive', () => {
    expect(label('arn:aws:secretsmanager:us-east-1:123837392027:secret:prod/db-AbC123')).toBe('aws-secret');
    expect(label('arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api-key')).toBe('aws-ssm-parameter');
    expect(label('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('aws-kms-key');
    expect(label('arn:aws:s3:::acme-secrets/prod.env')).toBe('s3-secrets');
    expect(label('arn:aws:s3:::infra/terraform/prod.tfstate')).toBe('terraform-state');
    expect(label('arn:aws:ec2:us-east-1:123837392027:snapshot/snap-083d3b857c13988bc')).toBe('ebs-snapshot');
    expect(label('arn:aws:rds:us-east-1:123837392027:snapshot:exfiltration')).toBe('rds-snapshot');
    expect(label('arn:aws:cloudtrail:us-east-1:123837392027:trail/main')).toBe('audit-trail');
    expect(label('arn:aws:bedrock:us-east-1:1:foundation-model/anthropic.claude-3-sonnet-20240229-v1:0')).toBe('ai-model');
    for (const r of [
      'arn:aws:s3:::acme-invoices/2026/03/invoice-42.pdf',
      'arn:aws:ec2:us-east-1:1:instance/i-0abc',
      'arn:aws:ssm:us-east-1:1:document/AWS-RunShellScript',
    ])
      expect(label(r), r).toBeUndefined();
  });

  it('marks admin policies, new credentials, inline and trust policies as privileged, not ordinary grants', () => {
    expect(privileged('arn:aws:iam::aws:policy/AdministratorAccess')).toBe('admin-policy');
    expect(privileged('arn:aws:iam::aws:policy/IAMFullAccess')).toBe('iam-admin-policy');
    for (const p of ['iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile']) expect(privileged(p), p).toBe('new-credentials');
    expect(privileged('iam:PutRolePolicy')).toBe('inline-policy');
    expect(privileged('iam:UpdateAssumeRolePolicy')).toBe('trust-policy');
    expect(privileged('arn:aws:iam::111122223333:role/OrganizationAccountAccessRole')).toBe('organization-admin-role');
    expect(privileged('sts:GetFederationToken')).toBe('federation-token');
    for (const p of ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'arn:aws:iam::111122223333:role/agents/invoice-agent-role', 'sts:GetSessionToken'])
      expect(privileged(p), p).toBeUndefined();
  });
});

describe("the shipped Kubernetes pack (baselines/packs/kubernetes), over the audit adapter's paths and roleRefs", () => {
  const { baselines, files } = pack('kubernetes');
  const label = (r: string) => baselines.sensitiveResources.match(r)?.label;
  const privileged = (p: string) => baselines.privileged.match(p)?.label;

  it('loads every file through the baselines validator', () => {
    expect(files.map((f) => f.split('/').pop())).toEqual(['k8s-privileged.yaml', 'k8s-sensitive-actions.yaml', 'k8s-sensitive.yaml']);
  });

  it('marks secrets (one or listed), tokens, exec and the kubelet proxy as sensitive, not pods or config maps', () => {
    expect(label('/namespaces/payments/secrets/stripe-key')).toBe('kubernetes-secret');
    expect(label('/namespaces/kube-system/secrets')).toBe('kubernetes-secret-list');
    expect(label('/namespaces/ci/serviceaccounts/deployer/token')).toBe('serviceaccount-token');
    expect(label('/namespaces/payments/pods/api-7d9f/exec')).toBe('pod-exec');
    expect(label('/nodes/node-1/proxy')).toBe('node-proxy');
    expect(label('/namespaces/kube-system/configmaps/aws-auth')).toBe('cluster-auth-config');
    for (const r of ['/namespaces/payments/pods/api-7d9f', '/namespaces/default/configmaps/my-config', '/namespaces/ci/serviceaccounts/deployer'])
      expect(label(r), r).toBeUndefined();
  });

  it('marks cluster-admin, admin and edit bindings and impersonation as privileged, not ordinary roles', () => {
    expect(privileged('ClusterRole/cluster-admin')).toBe('cluster-admin');
    expect(privileged('ClusterRole/admin')).toBe('namespace-admin');
    expect(privileged('Role/kube-system/extension-apiserver-authentication-reader')).toBe('kube-system-role');
    expect(privileged('impersonate /namespaces/payments/serviceaccounts/debugger')).toBe('impersonation');
    for (const p of ['ClusterRole/system:basic-user', 'Role/payments/secret-reader', 'ClusterRole/view']) expect(privileged(p), p).toBeUndefined();
  });
});
