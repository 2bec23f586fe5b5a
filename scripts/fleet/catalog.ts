import type { ArchetypeParams, Archetype, Category, Cloud } from './types.js';
import { AWS_K8S_CLASSES } from './catalog-aws.js';

/** [category, action, resource template or none, weight] */
export type OpRow = readonly [Category, string, string | undefined, number];

/**
 * A peer group: what a kind of agent does. Instances differ in rate, region, names and small
 * details, so peers look alike without being copies.
 */
export interface ClassTemplate {
  name: string;
  archetype: Archetype;
  cloud: Cloud;
  /** agentId template: fleet vars plus {inst} (two digits), {n} (1-based) and {suffix}. */
  id: string;
  suffixes: readonly string[];
  /** Which account / subscription / cluster of the organisation the class lives in. */
  home: string;
  rate: readonly [number, number];
  timezones: readonly string[];
  /** Probability that the class has an entry in baselines/fleet.yaml. */
  declare: number;
  regions: readonly (readonly string[])[];
  vars?: Readonly<Record<string, string>>;
  pools?: Readonly<Record<string, number>>;
  ops: readonly OpRow[];
  burstOps?: readonly OpRow[];
  permissions: readonly string[];
  /** How the agent asks for them: `sts:AssumeRole`, `oauth2.token`, a k8s access review. */
  permAction: string;
  /** Candidate new (non-privileged) permissions for the new_permission anomaly. */
  extraPermissions: readonly string[];
  routine?: readonly (readonly [string, string, 'hourly' | 'run', number])[];
  chronicDenied?: OpRow;
  params?: Partial<ArchetypeParams>;
}

const AZURE_AND_AGENT_CLASSES: readonly ClassTemplate[] = [
  {
    name: 'support-copilot',
    archetype: 'business',
    cloud: 'azure',
    id: 'agent:support-copilot-{n}',
    suffixes: [],
    home: 'support',
    rate: [2, 7],
    timezones: ['America/New_York'],
    declare: 1,
    regions: [['eastus']],
    ops: [
      ['api_call', 'llm.chat.completions', 'https://aoai-{region}.openai.azure.com/openai/deployments/gpt-4o', 30],
      ['resource_access', 'crm.ticket.read', 'https://{org}.zendesk.com/api/v2/tickets/{seq}.json', 24],
      ['resource_access', 'crm.ticket.comment', 'https://{org}.zendesk.com/api/v2/tickets/{seq}/comments.json', 8],
      ['api_call', 'kb.search', 'https://srch-support-{region}.search.windows.net/indexes/kb-articles', 18],
      ['resource_access', 'kb.article.read', 'https://{org}.zendesk.com/api/v2/help_center/articles/{pool:articles}.json', 14],
      ['resource_access', 'crm.user.read', 'https://{org}.zendesk.com/api/v2/users/{n:0:250000}.json', 6],
    ],
    pools: { articles: 400 },
    permissions: ['crm.tickets.read', 'crm.tickets.write', 'kb.read'],
    permAction: 'oauth2.token',
    extraPermissions: ['crm.users.write', 'crm.macros.write', 'mail.send'],
    routine: [['keyvault.secret.get', 'https://kv-support-{region}.vault.azure.net/secrets/zendesk-api-token', 'hourly', 0.35]],
    params: { dayStart: 8 * 60, dayEnd: 18 * 60 },
  },
  {
    name: 'invoice-summarizer',
    archetype: 'business',
    cloud: 'azure',
    id: 'spn:invoice-summarizer-{inst}',
    suffixes: [],
    home: 'billing',
    rate: [1, 5],
    timezones: ['Europe/London'],
    declare: 1,
    regions: [['uksouth'], ['uksouth', 'ukwest']],
    vars: { storage: 'st{org}invoices{inst}' },
    ops: [
      ['resource_access', 'storage.blob.read', 'https://{storage}.blob.core.windows.net/invoices/{date}/inv-{n:6:999999}.pdf', 30],
      ['resource_access', 'storage.blob.write', 'https://{storage}.blob.core.windows.net/summaries/{date}/inv-{n:6:999999}.json', 12],
      ['api_call', 'storage.blob.list', 'https://{storage}.blob.core.windows.net/invoices', 5],
      ['api_call', 'openai.chat.completions', 'https://aoai-{region}.openai.azure.com/openai/deployments/gpt-4o-mini', 30],
      ['resource_access', 'cosmos.items.upsert', 'https://cosmos-billing-{region}.documents.azure.com/dbs/billing/colls/invoice-summaries', 10],
      ['api_call', 'servicebus.receive', 'sb://sb-billing-{region}.servicebus.windows.net/invoices-in', 10],
    ],
    permissions: ['https://storage.azure.com/.default', 'https://cognitiveservices.azure.com/.default', 'https://vault.azure.net/.default'],
    permAction: 'oauth2.token',
    extraPermissions: ['https://management.azure.com/.default', 'https://graph.microsoft.com/Mail.Send'],
    routine: [['keyvault.secret.get', 'https://kv-billing-{region}.vault.azure.net/secrets/aoai-api-key', 'hourly', 0.4]],
    params: { dayStart: 8 * 60, dayEnd: 18 * 60 },
  },
  {
    name: 'hr-onboarding',
    archetype: 'business',
    cloud: 'azure',
    id: 'spn:hr-onboarding-{inst}',
    suffixes: [],
    home: 'workplace',
    rate: [0.5, 2],
    timezones: ['Asia/Tokyo'],
    declare: 1,
    regions: [['japaneast']],
    vars: { storage: 'st{org}hr{inst}' },
    pools: { users: 300, groups: 12 },
    ops: [
      ['resource_access', 'graph.users.read', 'https://graph.microsoft.com/v1.0/users/{pool:users}', 30],
      ['api_call', 'graph.groups.members.add', 'https://graph.microsoft.com/v1.0/groups/{pool:groups}/members', 5],
      ['api_call', 'graph.users.create', 'https://graph.microsoft.com/v1.0/users', 2],
      ['api_call', 'graph.mail.send', 'https://graph.microsoft.com/v1.0/users/{pool:users}/sendMail', 4],
      ['resource_access', 'storage.blob.read', 'https://{storage}.blob.core.windows.net/contracts/{date}/{hex:12}.pdf', 6],
    ],
    // User.ReadWrite.All is privileged and requested every day from the start: a first-request
    // rule must learn it, not fire on it.
    permissions: ['User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'Mail.Send'],
    permAction: 'oauth2.token',
    extraPermissions: ['Calendars.ReadWrite', 'Sites.Read.All', 'Files.Read.All'],
    params: { dayStart: 9 * 60, dayEnd: 18 * 60 },
  },
  {
    name: 'meeting-notes',
    archetype: 'business',
    cloud: 'azure',
    id: 'agent:meeting-notes-{n}',
    suffixes: [],
    home: 'workplace',
    rate: [1, 4],
    timezones: ['Europe/Berlin'],
    declare: 0.5,
    regions: [['germanywestcentral'], ['germanywestcentral', 'westeurope']],
    pools: { users: 200, drives: 6 },
    ops: [
      ['resource_access', 'graph.calendar.read', 'https://graph.microsoft.com/v1.0/users/{pool:users}/calendar/events', 20],
      ['resource_access', 'graph.transcripts.read', 'https://graph.microsoft.com/v1.0/users/{pool:users}/onlineMeetings/{hex:16}/transcripts', 15],
      ['api_call', 'llm.chat.completions', 'https://aoai-{region}.openai.azure.com/openai/deployments/gpt-4o', 30],
      ['resource_access', 'graph.drive.upload', 'https://graph.microsoft.com/v1.0/drives/{pool:drives}/root:/Meeting-Notes/{date}/{hex:8}.docx', 10],
    ],
    permissions: ['Calendars.Read', 'OnlineMeetingTranscript.Read.All', 'Files.ReadWrite.All'],
    permAction: 'oauth2.token',
    extraPermissions: ['Mail.Read', 'Chat.Read.All', 'Sites.Read.All'],
    params: { dayStart: 8 * 60 + 30, dayEnd: 17 * 60 + 30 },
  },
  {
    name: 'backup-runner',
    archetype: 'nightly',
    cloud: 'azure',
    id: 'mi:/subscriptions/{sub}/resourceGroups/rg-backup-{suffix}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup-runner-{suffix}',
    suffixes: ['weu-sql', 'weu-files', 'neu-sql', 'weu-crm', 'neu-files', 'weu-erp'],
    home: 'platform',
    rate: [0.2, 0.8],
    timezones: ['Europe/Berlin'],
    declare: 1,
    regions: [['westeurope'], ['westeurope', 'northeurope']],
    vars: { storage: 'st{org}{suffix}', vault: 'kv-backup-{suffix}' },
    pools: { paths: 60 },
    ops: [
      ['api_call', 'storage.blob.list', 'https://{storage}.blob.core.windows.net/backups', 40],
      ['api_call', 'monitor.metrics.write', 'https://{region}.monitoring.azure.com/subscriptions/{sub}/metrics', 60],
    ],
    burstOps: [
      ['resource_access', 'storage.blob.read', 'https://{storage}.blob.core.windows.net/data/{pool:paths}', 40],
      ['resource_access', 'storage.blob.write', 'https://{storage}.blob.core.windows.net/backups/{date}/chunk-{n:5:6000}.bak', 45],
      ['api_call', 'storage.snapshot.create', 'https://{storage}.blob.core.windows.net/data', 5],
      ['api_call', 'sql.database.export', '/subscriptions/{sub}/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-{suffix}', 3],
    ],
    permissions: ['https://storage.azure.com/.default', 'https://vault.azure.net/.default'],
    permAction: 'oauth2.token',
    extraPermissions: ['https://management.azure.com/.default', 'https://database.windows.net/.default'],
    routine: [
      ['keyvault.secret.get', 'https://{vault}.vault.azure.net/secrets/backup-storage-key', 'run', 1],
      ['keyvault.key.wrap', 'https://{vault}.vault.azure.net/keys/backup-cmk', 'run', 1],
    ],
    params: { burstAt: 60, burstMinutes: 30, burstFactor: 35 },
  },
  {
    name: 'cost-reporter',
    archetype: 'sparse',
    cloud: 'azure',
    id: 'spn:cost-reporter-{inst}',
    suffixes: [],
    home: 'platform',
    rate: [0.05, 0.1],
    timezones: ['UTC'],
    declare: 0,
    regions: [['westeurope']],
    vars: { storage: 'st{org}finops' },
    ops: [
      ['api_call', 'costmanagement.query', '/subscriptions/{sub}/providers/Microsoft.CostManagement/query', 50],
      ['resource_access', 'storage.blob.write', 'https://{storage}.blob.core.windows.net/cost-exports/{date}/usage-{hour}.csv', 20],
      ['api_call', 'consumption.budgets.read', '/subscriptions/{sub}/providers/Microsoft.Consumption/budgets', 10],
    ],
    permissions: ['https://management.azure.com/.default'],
    permAction: 'oauth2.token',
    extraPermissions: ['https://storage.azure.com/.default'],
    params: { pollEvery: 30 },
  },
  {
    name: 'docs-qa',
    archetype: 'steady',
    cloud: 'azure',
    id: 'agent:docs-qa-{n}',
    suffixes: [],
    home: 'workplace',
    rate: [0.5, 3],
    timezones: ['Australia/Sydney'],
    declare: 0,
    regions: [['australiaeast']],
    pools: { docs: 500 },
    ops: [
      ['api_call', 'llm.chat.completions', 'https://aoai-{region}.openai.azure.com/openai/deployments/gpt-4o', 35],
      ['api_call', 'vector.query', 'https://srch-docs-{region}.search.windows.net/indexes/docs-chunks', 30],
      ['resource_access', 'sharepoint.file.read', 'https://{org}.sharepoint.com/sites/eng/Shared-Documents/{pool:docs}', 25],
      ['resource_access', 'sharepoint.file.read', 'https://{org}.sharepoint.com/sites/eng/Shared-Documents/changelog/{date}.md', 3],
    ],
    permissions: ['Sites.Read.All', 'https://cognitiveservices.azure.com/.default'],
    permAction: 'oauth2.token',
    extraPermissions: ['Files.Read.All', 'Mail.Read'],
    params: { diurnalAmp: 0.6 },
  },
];

/** Order matters: small fleets take the first classes, so the first ones span the archetypes. */
export const CLASSES: readonly ClassTemplate[] = [
  pick(AZURE_AND_AGENT_CLASSES, 'support-copilot'),
  pick(AWS_K8S_CLASSES, 'etl-loader'),
  pick(AWS_K8S_CLASSES, 'sync-bot'),
  pick(AWS_K8S_CLASSES, 'fraud-scorer'),
  pick(AWS_K8S_CLASSES, 'secrets-rotator'),
  pick(AWS_K8S_CLASSES, 'report-builder'),
  pick(AWS_K8S_CLASSES, 'search-indexer'),
  pick(AZURE_AND_AGENT_CLASSES, 'invoice-summarizer'),
  pick(AZURE_AND_AGENT_CLASSES, 'backup-runner'),
  pick(AZURE_AND_AGENT_CLASSES, 'hr-onboarding'),
  pick(AWS_K8S_CLASSES, 'ingest-gateway'),
  pick(AZURE_AND_AGENT_CLASSES, 'meeting-notes'),
  pick(AWS_K8S_CLASSES, 'log-shipper'),
  pick(AZURE_AND_AGENT_CLASSES, 'docs-qa'),
  pick(AWS_K8S_CLASSES, 'feature-builder'),
  pick(AZURE_AND_AGENT_CLASSES, 'cost-reporter'),
  pick(AWS_K8S_CLASSES, 'pr-reviewer'),
];

function pick(list: readonly ClassTemplate[], name: string): ClassTemplate {
  const c = list.find((x) => x.name === name);
  if (!c) throw new RangeError(`no class ${name}`);
  return c;
}
