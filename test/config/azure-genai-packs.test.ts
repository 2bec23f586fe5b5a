import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';

const pack = (name: string) => loadBaselinesDir(fileURLToPath(new URL(`../../baselines/packs/${name}/`, import.meta.url)));

describe('the shipped Azure / Entra pack (baselines/packs/azure)', () => {
  const { baselines, files } = pack('azure');

  it('loads every file through the baselines validator', () => {
    expect(files.map((f) => f.split('/').pop())).toEqual(['azure-sensitive-actions.yaml', 'azure-sensitive.yaml', 'entra-privileged.yaml']);
  });

  it('marks Key Vault, storage keys and the directory through Graph as sensitive', () => {
    const label = (r: string) => baselines.sensitiveResources.match(r)?.label;
    expect(label('https://prod-kv.vault.azure.net/secrets/signing-key')).toBe('key-vault-secret');
    expect(label('https://prod-kv.vault.azure.net/keys/cmk/0a1b')).toBe('key-vault-key');
    expect(label('/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/PROD-KV')).toBe('key-vault');
    expect(label('Azure Key Vault')).toBe('key-vault');
    expect(label('Microsoft Graph')).toBe('microsoft-graph');
    expect(label('https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments')).toBe('graph-directory-roles');
    expect(baselines.sensitivePermissions.match('Microsoft.Storage/storageAccounts/listKeys/action')?.label).toBe('storage-account-keys');
    expect(label('Azure Storage')).toBeUndefined();
    expect(label('https://prod-kv.vault.azure.net/')).toBeUndefined();
  });

  it('marks tier-0 Graph permissions, admin roles and added app credentials as privileged, not ordinary scopes', () => {
    const privileged = (p: string) => baselines.privileged.match(p)?.label;
    for (const p of ['RoleManagement.ReadWrite.Directory', 'AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'])
      expect(privileged(p), p).toBe('graph-tier0');
    expect(privileged('Global Administrator')).toBe('entra-role');
    expect(privileged('Privileged Role Administrator')).toBe('entra-role');
    expect(privileged('credential:Application/11b49e19-2326-4be6-93cb-7f37439bbd81')).toBe('app-credential');
    expect(privileged('Mail.ReadWrite')).toBe('mail');
    expect(privileged('full_access_as_app')).toBe('exchange-all-mailboxes');
    for (const p of ['User.Read', 'Mail.Read', 'offline_access', 'Directory.Read.All', 'Reports Reader']) expect(privileged(p), p).toBeUndefined();
  });
});

describe('the shipped GenAI agent pack (baselines/packs/genai)', () => {
  const { baselines } = pack('genai');
  const label = (r: string) => baselines.sensitiveResources.match(r)?.label;

  it('marks command execution, payments, secrets and credential targets as sensitive', () => {
    expect(label('tool:run_shell')).toBe('shell');
    expect(label('tool:Bash')).toBe('shell');
    expect(label('tool:python_exec')).toBe('code-execution');
    expect(label('tool:create_payment')).toBe('payments');
    expect(label('tool:get_secret')).toBe('secrets');
    expect(label('/srv/app/.env')).toBe('secrets-file');
    expect(label('/home/agent/.ssh/id_ed25519')).toBe('ssh-keys');
    expect(label('http://169.254.169.254/latest/meta-data/iam/security-credentials/role')).toBe('instance-metadata');
  });

  it('leaves ordinary tools and targets alone', () => {
    for (const r of [
      'tool:get_weather',
      'tool:search_docs',
      'tool:fetch_page',
      'https://api.example-airline.com/v2/flights',
      'postgresql://shop/orders',
      '/srv/app/README.md',
    ])
      expect(label(r), r).toBeUndefined();
  });
});
