import type { Rng } from './prng.js';
import type { AgentProfile, Op } from './types.js';

/**
 * What attackers and broken agents reach for, per platform. Sensitive resources follow the
 * naming the `sensitive:` patterns of baselines/fleet.yaml describe (see baselines.ts).
 */

export const SENSITIVE_PATTERNS: readonly { pattern: string; label: string }[] = [
  { pattern: 'arn:aws:secretsmanager:*:secret:*', label: 'aws-secrets-manager' },
  { pattern: 'arn:aws:kms:*:key/*', label: 'aws-kms-key' },
  { pattern: 'arn:aws:ssm:*:parameter/secure/*', label: 'aws-ssm-securestring' },
  { pattern: 'https://*.vault.azure.net/secrets/*', label: 'azure-key-vault-secret' },
  { pattern: 'https://*.vault.azure.net/keys/*', label: 'azure-key-vault-key' },
  { pattern: 'k8s:*/secrets/*', label: 'kubernetes-secret' },
];

export const PRIVILEGED_PATTERNS: readonly { pattern: string; label: string }[] = [
  { pattern: 'iam:AttachRolePolicy', label: 'aws-iam-write' },
  { pattern: 'iam:PutRolePolicy', label: 'aws-iam-write' },
  { pattern: 'iam:CreateAccessKey', label: 'aws-credential-creation' },
  { pattern: 'iam:CreateUser', label: 'aws-iam-write' },
  { pattern: 'iam:UpdateAssumeRolePolicy', label: 'aws-iam-write' },
  { pattern: 'iam:PassRole', label: 'aws-pass-role' },
  { pattern: 'RoleManagement.ReadWrite.*', label: 'entra-role-management' },
  { pattern: 'Directory.ReadWrite.All', label: 'entra-directory-write' },
  { pattern: 'AppRoleAssignment.ReadWrite.All', label: 'entra-app-role-grant' },
  { pattern: 'Application.ReadWrite.All', label: 'entra-app-write' },
  { pattern: 'User.ReadWrite.All', label: 'entra-user-write' },
  { pattern: 'k8s:*:clusterrolebindings', label: 'k8s-rbac-write' },
  { pattern: 'k8s:impersonate:*', label: 'k8s-impersonation' },
  { pattern: 'k8s:escalate:*', label: 'k8s-escalation' },
  { pattern: 'k8s:list:secrets', label: 'k8s-secret-listing' },
  { pattern: '*.admin', label: 'app-admin-scope' },
  { pattern: '*.impersonate', label: 'app-impersonation' },
  { pattern: 'administration:*', label: 'github-admin' },
  { pattern: 'organization_secrets:*', label: 'github-org-secrets' },
];

export function privilegedFor(agent: AgentProfile): string[] {
  if (agent.permAction === 'oauth2.token' && agent.id.startsWith('agent:')) {
    return agent.cloud === 'aws'
      ? ['administration:write', 'organization_secrets:write']
      : ['crm.admin', 'crm.users.impersonate', 'RoleManagement.ReadWrite.Directory'];
  }
  switch (agent.cloud) {
    case 'aws':
      return ['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreateAccessKey', 'iam:UpdateAssumeRolePolicy'];
    case 'azure':
      return ['RoleManagement.ReadWrite.Directory', 'Directory.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All'];
    case 'k8s':
      return ['k8s:create:clusterrolebindings', 'k8s:impersonate:serviceaccounts', 'k8s:escalate:clusterroles', 'k8s:list:secrets'];
  }
}

const SECRET_NAMES = [
  'prod/payments/stripe-live-key',
  'prod/db/customers-master',
  'prod/okta/scim-token',
  'shared/github/deploy-key',
  'prod/snowflake/admin',
  'prod/sendgrid/api-key',
  'prod/hr/workday-client-secret',
  'prod/ledger/signing-key',
];
const SSM_NAMES = ['prod/db/master-password', 'prod/payments/webhook-secret', 'ci/npm-publish-token', 'prod/vpn/psk'];
const VAULT_SECRETS = ['sql-admin-password', 'storage-account-key', 'graph-client-secret', 'sap-rfc-password', 'signing-cert-pfx', 'openai-admin-key'];
const K8S_SECRETS = ['db-credentials', 'tls-wildcard', 'registry-pull-secret', 'vault-unseal-keys', 'stripe-live-key'];
const K8S_NAMESPACES = ['kube-system', 'payments', 'identity', 'vault', 'billing', 'argocd'];

/** Sensitive resources the agent may plausibly reach but never read before. */
export function sensitiveCandidates(agent: AgentProfile, rng: Rng): { action: string; resource: string }[] {
  const v = agent.vars;
  const region = v['region'] ?? 'us-east-1';
  switch (agent.cloud) {
    case 'aws':
      return [
        ...SECRET_NAMES.map((s) => ({
          action: 'secretsmanager:GetSecretValue',
          resource: `arn:aws:secretsmanager:${region}:${v['acct']}:secret:${s}-${rng.alnum(6)}`,
        })),
        ...SSM_NAMES.map((s) => ({ action: 'ssm:GetParameter', resource: `arn:aws:ssm:${region}:${v['acct']}:parameter/secure/${s}` })),
        { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${v['acct']}:key/${rng.uuid()}` },
        { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${v['acct']}:key/${rng.uuid()}` },
      ];
    case 'azure':
      return VAULT_SECRETS.map((s) => ({
        action: 'keyvault.secret.get',
        resource: `https://kv-${rng.pick(['corp', 'prod', 'identity', 'finance'])}-${rng.pick(['weu', 'eus', 'uks'])}.vault.azure.net/secrets/${s}`,
      })).concat([{ action: 'keyvault.key.unwrap', resource: `https://kv-prod-weu.vault.azure.net/keys/tde-protector` }]);
    case 'k8s':
      return K8S_SECRETS.map((s) => ({ action: 'k8s.get', resource: `k8s:${v['cluster']}/namespaces/${rng.pick(K8S_NAMESPACES)}/secrets/${s}` }));
  }
}

/** Discovery calls an intruder or a confused agent makes, most of which its role does not allow. */
export function enumerationOps(agent: AgentProfile): Op[] {
  const v = agent.vars;
  const api = (action: string, resource?: string): Op => ({ cat: 'api_call', action, res: resource === undefined ? undefined : () => resource });
  switch (agent.cloud) {
    case 'aws':
      return [
        'iam:ListUsers',
        'iam:ListRoles',
        'iam:ListAttachedRolePolicies',
        'iam:GetAccountAuthorizationDetails',
        's3:ListAllMyBuckets',
        'secretsmanager:ListSecrets',
        'ec2:DescribeInstances',
        'lambda:ListFunctions',
        'kms:ListKeys',
        'organizations:ListAccounts',
        'rds:DescribeDBInstances',
        'iam:ListAccessKeys',
      ].map((a) => api(a));
    case 'azure':
      return [
        'graph.users.list',
        'graph.applications.list',
        'graph.servicePrincipals.list',
        'graph.directoryRoles.list',
        'authorization.roleAssignments.list',
        'resources.list',
        'keyvault.vaults.list',
      ]
        .map((a) => api(a, `/subscriptions/${v['sub']}`))
        .concat([api('storage.accounts.listKeys', `/subscriptions/${v['sub']}/providers/Microsoft.Storage/storageAccounts`)]);
    case 'k8s':
      return [
        api('k8s.list', `k8s:${v['cluster']}/secrets`),
        api('k8s.list', `k8s:${v['cluster']}/clusterroles`),
        api('k8s.list', `k8s:${v['cluster']}/namespaces/kube-system/secrets`),
        api('k8s.get', `k8s:${v['cluster']}/nodes`),
        api('k8s.create', `k8s:${v['cluster']}/namespaces/kube-system/pods/exec`),
        api('k8s.list', `k8s:${v['cluster']}/clusterrolebindings`),
        api('k8s.create', `k8s:${v['cluster']}/serviceaccounts/token`),
      ];
  }
}
