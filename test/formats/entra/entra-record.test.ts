import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { toAuditEvent } from '../../../src/core/events/decode-audit-event.js';
import { entraRecords, isEntraValue, mapEntraRecord } from '../../../src/formats/entra/entra-record.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const lines = (name: string): unknown[] =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

const eventsOf = (record: unknown) => {
  const mapped = mapEntraRecord(record);
  return mapped instanceof SkippedRecord ? [] : mapped;
};
const mapAll = (value: unknown) => entraRecords(value).flatMap(eventsOf);

describe('Entra ID sign-ins (diagnostic settings / Event Hubs envelope)', () => {
  const events = mapAll(fixture('sign-ins.eventhub.json'));

  it('maps a service-principal sign-in: the SP id as agent, the resource signed into, place and credential', () => {
    expect(events[0]).toEqual({
      id: 'a1d2c3f4-0001-4000-8000-000000000001',
      time: Date.parse('2026-03-02T09:15:00.456Z'),
      agentId: '9d0f5c1e-aaaa-4bbb-8ccc-000000000001',
      tenant: '6f1c2a9e-0000-4000-8000-000000000001',
      category: 'resource_access',
      action: 'signin',
      resource: 'Microsoft Graph',
      outcome: 'success',
      source: { ip: '20.50.2.10', country: 'NL', city: 'Amsterdam', lat: 52.37, lon: 4.89 },
      attributes: {
        identityType: 'servicePrincipal',
        servicePrincipalName: 'invoice-summarizer',
        appId: '3c2b1a00-dddd-4eee-8fff-000000000001',
        resourceId: '00000003-0000-0000-c000-000000000000',
        errorCode: 0,
        conditionalAccessStatus: 'notApplied',
        credentialKeyId: '59eaeebc-8a6b-44a6-9f24-7d55e64420c9',
        clientCredentialType: 'clientSecret',
        correlationId: '0b7e6a11-1111-4111-8111-000000000001',
        state: 'Noord-Holland',
      },
    });
  });

  it('a bad secret is a failure, a Conditional Access block is denied', () => {
    expect(events[1]).toMatchObject({
      outcome: 'failure',
      resource: 'Azure Key Vault',
      source: { ip: '185.220.101.4', country: 'DE' },
      attributes: { errorCode: 7000215, resultDescription: 'Invalid client secret provided.' },
    });
    expect(events[2]).toMatchObject({
      outcome: 'denied',
      resource: 'Windows Azure Service Management API',
      attributes: { errorCode: 53003, conditionalAccessStatus: 'failure' },
    });
  });

  it('maps a managed-identity sign-in and skips the human sign-in in the same envelope', () => {
    expect(events[3]).toMatchObject({
      agentId: '7e6d5c4b-1111-4222-8333-000000000004',
      resource: 'Azure Key Vault',
      attributes: { identityType: 'managedIdentity', managedIdentityType: 'systemAssigned' },
    });
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.agentId)).not.toContain('alice@contoso.example');
    const human = (fixture('sign-ins.eventhub.json') as { records: unknown[] }).records[4];
    expect(mapEntraRecord(human)).toEqual(new SkippedRecord('entra signinlogs: no workload identity'));
  });

  it('produces events the native schema accepts', () => {
    // The count first: on an empty list the loop below would pass without checking anything.
    expect(events).toHaveLength(4);
    for (const e of events) expect(() => toAuditEvent(structuredClone(e))).not.toThrow();
  });
});

describe('Entra ID sign-ins (Log Analytics rows, Sentinel table columns)', () => {
  const [sp, mi] = lines('sign-ins.log-analytics.jsonl').flatMap(eventsOf);

  it('reads the PascalCase columns and LocationDetails JSON text like the diagnostic record', () => {
    expect(sp).toMatchObject({
      id: 'b1d2c3f4-00a1-4000-8000-0000000000a1',
      time: Date.parse('2026-03-02T11:00:00.123Z'),
      agentId: '9d0f5c1e-aaaa-4bbb-8ccc-000000000001',
      category: 'resource_access',
      resource: 'Azure Storage',
      outcome: 'success',
      source: { ip: '51.140.10.20', country: 'GB', city: 'London', lat: 51.5, lon: -0.12 },
      attributes: { identityType: 'servicePrincipal', resourceId: 'e406a681-f3d4-42a8-90b6-c2b029497af1', servicePrincipalName: 'invoice-summarizer' },
    });
    expect(mi).toMatchObject({ agentId: '7e6d5c4b-1111-4222-8333-000000000004', resource: 'Azure Key Vault', attributes: { identityType: 'managedIdentity' } });
    expect(mi?.source).toBeUndefined();
  });
});

describe('Entra ID audit logs', () => {
  const events = mapAll(fixture('audit-logs.eventhub.json'));
  const byId = (prefix: string) => events.filter((e) => e.id.startsWith(prefix));

  it('an app role granted by an app: permission_request for the role, agent = the initiating SP', () => {
    expect(byId('Directory_c0000000-0000-4000-8000-000000000001')).toEqual([
      {
        id: 'Directory_c0000000-0000-4000-8000-000000000001_AAAAA_00000001',
        time: Date.parse('2026-03-02T10:00:00.500Z'),
        agentId: '9d0f5c1e-aaaa-4bbb-8ccc-000000000001',
        tenant: '6f1c2a9e-0000-4000-8000-000000000001',
        category: 'permission_request',
        action: 'Add app role assignment to service principal',
        permission: 'RoleManagement.ReadWrite.Directory',
        resource: 'Microsoft Graph',
        outcome: 'success',
        attributes: {
          initiatorType: 'app',
          initiatorName: 'invoice-summarizer',
          auditCategory: 'ApplicationManagement',
          operationType: 'Assign',
          loggedByService: 'Core Directory',
          correlationId: 'c0000000-0000-4000-8000-000000000001',
          grantee: 'invoice-summarizer',
        },
      },
    ]);
  });

  it('a delegated grant yields one event per scope added (old scopes excluded), agent = the user who consented', () => {
    const grants = byId('Directory_c0000000-0000-4000-8000-000000000002');
    expect(grants.map((e) => [e.id.split('#')[1], e.permission])).toEqual([
      ['Mail.Read', 'Mail.Read'],
      ['Files.Read.All', 'Files.Read.All'],
    ]);
    expect(grants[0]).toMatchObject({
      agentId: 'admin@contoso.example',
      resource: 'Microsoft Graph',
      source: { ip: '203.0.113.7' },
      attributes: { initiatorType: 'user', grantee: '9d0f5c1e-aaaa-4bbb-8ccc-000000000001', consentType: 'AllPrincipals' },
    });
  });

  it('a directory role given to a member: the role name is the permission, the member the resource', () => {
    expect(byId('Directory_c0000000-0000-4000-8000-000000000003')[0]).toMatchObject({
      agentId: '7e6d5c4b-1111-4222-8333-000000000004',
      category: 'permission_request',
      permission: 'Global Administrator',
      resource: '9d0f5c1e-aaaa-4bbb-8ccc-000000000001',
      attributes: { grantee: 'invoice-summarizer', auditCategory: 'RoleManagement' },
    });
  });

  it('credentials added to another identity: permission credential:<type>/<id>', () => {
    expect(byId('Directory_c0000000-0000-4000-8000-000000000004')[0]).toMatchObject({
      category: 'permission_request',
      permission: 'credential:ServicePrincipal/b7c8d9e0-2222-4333-8444-000000000005',
      resource: 'b7c8d9e0-2222-4333-8444-000000000005',
      attributes: { keyType: 'AsymmetricX509Cert', targetName: 'payments-bot' },
    });
  });

  it('any other activity is an api_call on its target; a refused grant is denied', () => {
    expect(byId('Directory_c0000000-0000-4000-8000-000000000005')[0]).toMatchObject({
      category: 'api_call',
      action: 'Update application',
      resource: '11b49e19-3333-4444-8555-000000000007',
      attributes: { targetName: 'invoice-summarizer-app', targetType: 'Application' },
    });
    expect(byId('Directory_c0000000-0000-4000-8000-000000000006')[0]).toMatchObject({
      category: 'permission_request',
      permission: 'Application.ReadWrite.All',
      outcome: 'denied',
    });
  });

  it('produces events the native schema accepts', () => {
    // Six records, one of them two consented scopes.
    expect(events).toHaveLength(7);
    for (const e of events) expect(() => toAuditEvent(structuredClone(e))).not.toThrow();
  });
});

describe('Entra ID detection and rejects', () => {
  it('recognises envelopes, diagnostic records and Log Analytics rows, and nothing else', () => {
    expect(isEntraValue(fixture('sign-ins.eventhub.json'))).toBe(true);
    expect(isEntraValue(fixture('audit-logs.eventhub.json'))).toBe(true);
    const rows = lines('sign-ins.log-analytics.jsonl');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(isEntraValue(row)).toBe(true);
    expect(isEntraValue({ id: 'e1', time: '2026-03-02T10:00:00Z', agentId: 'a', category: 'api_call', action: 'x' })).toBe(false);
    expect(isEntraValue({ Records: [{ eventVersion: '1.08', eventSource: 's3.amazonaws.com' }] })).toBe(false);
    expect(isEntraValue({ records: [{ category: 'AuditEvent', resourceId: '/SUBSCRIPTIONS/X/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/V' }] })).toBe(false);
    expect(isEntraValue('AuditLogs')).toBe(false);
  });

  it('rejects a record it cannot read with a reason naming what is missing', () => {
    const reject = (r: unknown) => {
      try {
        mapEntraRecord(r);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidEventError);
        return (e as InvalidEventError).message;
      }
      throw new Error('expected a reject');
    };
    expect(reject({ category: 'ServicePrincipalSignInLogs', properties: { id: 'x', createdDateTime: '2026-03-02T10:00:00Z' } })).toMatch(
      /no servicePrincipalId or appId/,
    );
    expect(reject({ category: 'ServicePrincipalSignInLogs', properties: { id: 'x', servicePrincipalId: 's', createdDateTime: 'yesterday' } })).toMatch(
      /no valid createdDateTime/,
    );
    expect(
      reject({ category: 'AuditLogs', properties: { id: 'x', activityDateTime: '2026-03-02T10:00:00Z', activityDisplayName: 'Add user', initiatedBy: {} } }),
    ).toMatch(/initiatedBy names no app or user/);
    expect(reject({ category: 'Something' })).toMatch(/not a sign-in or audit log record/);
    expect(reject(42)).toMatch(/JSON object/);
  });
});

describe('the entra LogFormat', () => {
  it('turns an envelope into its events, a bad record into an error in its place, and skips human sign-ins', async () => {
    const { entraFormat } = await import('../../../src/formats/entra/entra-format.js');
    const envelope = {
      records: [
        { category: 'SignInLogs', properties: {} },
        { category: 'AuditLogs', properties: { id: 'x' } },
        ...(fixture('sign-ins.eventhub.json') as { records: unknown[] }).records.slice(0, 1),
      ],
    };
    expect(entraFormat.detect(envelope)).toBe(true);
    const out = [...entraFormat.toEvents(envelope)];
    expect(out.map((e) => (e instanceof InvalidEventError ? `error: ${e.message}` : e instanceof SkippedRecord ? `skip: ${e.reason}` : e.id))).toEqual([
      'skip: entra signinlogs: no workload identity',
      'error: Entra audit log: no valid activityDateTime, time or TimeGenerated',
      'a1d2c3f4-0001-4000-8000-000000000001',
    ]);
  });
});

describe('names from the record look up own table entries only (issue 13)', () => {
  it('a category or Type named like an Object.prototype member is not an Entra stream', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isEntraValue({ category: name })).toBe(false);
      expect(isEntraValue({ Type: name, records: undefined })).toBe(false);
      expect(() => mapEntraRecord({ category: name })).toThrow(InvalidEventError);
    }
  });
});
