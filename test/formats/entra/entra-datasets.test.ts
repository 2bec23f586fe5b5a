import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { toAuditEvent } from '../../../src/core/events/decode-audit-event.js';
import { isEntraValue, mapEntraRecord } from '../../../src/formats/entra/entra-record.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';
import { ROOT, cli } from '../../helpers/cli.js';
import { DATASETS } from '../../helpers/datasets.js';

/**
 * The real public samples in ../shared/datasets (see each SOURCE.md), read in place. Where the
 * folder is absent these tests are skipped, and say so; CI has it.
 */
const GOLDEN_SAML = join(DATASETS, 'otrf-goldensaml-aad');
const SENTINEL = join(DATASETS, 'azure-sentinel-identity-schemas');
const present = existsSync(GOLDEN_SAML) && existsSync(SENTINEL);
if (!present) console.warn(`[skipped] Entra dataset tests: ${DATASETS} is absent (OTRF Golden SAML, Sentinel table schemas)`);

const jsonLines = (file: string): unknown[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

describe.skipIf(!present)('Entra adapter on the real samples (../shared/datasets)', () => {
  it('OTRF Golden SAML AuditLogs (Log Analytics rows): every row maps, grants as permission requests', () => {
    const rows = jsonLines(join(GOLDEN_SAML, 'AADAuditEvents.json'));
    expect(rows).toHaveLength(4);
    const events = rows.flatMap((row) => {
      expect(isEntraValue(row)).toBe(true);
      const mapped = mapEntraRecord(row);
      if (mapped instanceof SkippedRecord) throw new Error(`skipped: ${mapped.reason}`);
      return mapped;
    });
    for (const e of events) expect(() => toAuditEvent(structuredClone(e))).not.toThrow();
    for (const e of events)
      expect(e).toMatchObject({
        agentId: 'pgustavo@simulandlabs.com',
        tenant: '00000000-0000-0000-0000-000000000000',
        outcome: 'success',
        attributes: { initiatorType: 'user' },
      });

    // Two rows of the same credential change (a KQL mv-expand): the same id, so dedup keeps one.
    const credentials = events.filter((e) => e.permission?.startsWith('credential:'));
    expect(credentials.map((e) => [e.id, e.permission, e.attributes?.['keyType'], e.attributes?.['targetName']])).toEqual([
      [
        'Directory_10065ffb-8199-48bc-8ff5-912cb5b8295a_AUMVX_13992832',
        'credential:Application/11b49e19-2326-4be6-93cb-7f37439bbd81',
        'Password',
        'SimuLandApp',
      ],
      [
        'Directory_10065ffb-8199-48bc-8ff5-912cb5b8295a_AUMVX_13992832',
        'credential:Application/11b49e19-2326-4be6-93cb-7f37439bbd81',
        'Password',
        'SimuLandApp',
      ],
    ]);
    expect(credentials[0]).toMatchObject({
      category: 'permission_request',
      action: 'Update application – Certificates and secrets management',
      time: Date.parse('2021-08-02T13:29:25.983Z'),
    });

    // The delegated grant adds Mail.ReadWrite to User.Read, on Microsoft Graph, for the SimuLand app's SP.
    expect(events.filter((e) => e.action === 'Add delegated permission grant')).toEqual([
      expect.objectContaining({
        category: 'permission_request',
        permission: 'Mail.ReadWrite',
        resource: 'Microsoft Graph',
        attributes: expect.objectContaining({ grantee: '0d2f5969-011b-460d-ac74-3291d227d49f', consentType: 'AllPrincipals' }),
      }),
    ]);
    // Updating the manifest's required permissions grants nothing by itself.
    expect(events.find((e) => e.action === 'Update application')).toMatchObject({
      category: 'api_call',
      resource: '11b49e19-2326-4be6-93cb-7f37439bbd81',
      attributes: { targetType: 'Application' },
    });
  });

  it('the other Golden SAML files (Office 365, Defender hunting rows) are not taken for Entra', () => {
    for (const file of ['OfficeActivityEvents.json', 'Microsoft365DefenderEvents.json']) {
      const rows = jsonLines(join(GOLDEN_SAML, file));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(isEntraValue(row), file).toBe(false);
        expect(() => mapEntraRecord(row)).toThrow(InvalidEventError);
      }
    }
  });

  it('reads every column the adapter uses under the names the Sentinel workload sign-in tables publish', () => {
    for (const [table, kind] of [
      ['AADServicePrincipalSignInLogs', 'servicePrincipal'],
      ['AADManagedIdentitySignInLogs', 'managedIdentity'],
    ] as const) {
      const schema = JSON.parse(readFileSync(join(SENTINEL, `${table}.schema.json`), 'utf8')) as { Name: string; Properties: Record<string, string>[] };
      const columns = schema.Properties.map((p) => p['Name'] ?? p['name'] ?? '');
      // A row with every published column set to a recognisable value: only real columns feed the event.
      const row: Record<string, unknown> = Object.fromEntries(columns.map((c) => [c, `${c}-value`]));
      Object.assign(row, {
        Type: schema.Name,
        TimeGenerated: '2026-03-02T12:00:00Z',
        ResultType: '0',
        LocationDetails: JSON.stringify({ city: 'Dublin', countryOrRegion: 'IE', geoCoordinates: { latitude: 53.35, longitude: -6.26 } }),
      });
      const mapped = mapEntraRecord(row);
      if (mapped instanceof SkippedRecord) throw new Error(`skipped: ${mapped.reason}`);
      const [event] = mapped;
      expect(event, table).toMatchObject({
        id: 'Id-value',
        agentId: 'ServicePrincipalId-value',
        tenant: 'TenantId-value',
        resource: 'ResourceDisplayName-value',
        outcome: 'success',
        source: { ip: 'IPAddress-value', country: 'IE', city: 'Dublin', lat: 53.35, lon: -6.26 },
        attributes: {
          identityType: kind,
          appId: 'AppId-value',
          resourceId: 'ResourceIdentity-value',
          servicePrincipalName: 'ServicePrincipalName-value',
          credentialKeyId: 'ServicePrincipalCredentialKeyId-value',
          federatedCredentialId: 'FederatedCredentialId-value',
          conditionalAccessStatus: 'ConditionalAccessStatus-value',
        },
      });
      expect(() => toAuditEvent(structuredClone(event))).not.toThrow();
    }
  });

  it('agentwatch replay of the Golden SAML audit rows with the Azure pack reports the Mail.ReadWrite grant as critical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-goldensaml-'));
    // Four rows, all of the attack: no quiet cold start, every first is judged.
    writeFileSync(join(dir, 'config.yaml'), 'engine:\n  newSensitiveResource:\n    quietColdStart: false\n');
    const out = join(dir, 'alerts.jsonl');
    const r = await cli([
      'replay',
      join(GOLDEN_SAML, 'AADAuditEvents.json'),
      '--baselines',
      join(ROOT, 'baselines/packs/azure'),
      '--config',
      join(dir, 'config.yaml'),
      '--output',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Formats: entra \(1 file\)/);
    const alerts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { detector: string; severity: string; agentId: string; time: string; summary: string });
    expect(alerts.map((a) => [a.detector, a.severity, a.agentId, a.time])).toEqual([
      ['new_sensitive_resource', 'medium', 'pgustavo@simulandlabs.com', '2021-08-02T13:27:20.017Z'],
      ['new_permission', 'critical', 'pgustavo@simulandlabs.com', '2021-08-02T13:27:20.017Z'],
    ]);
    expect(alerts[1]?.summary).toMatch(/requested privileged permission Mail\.ReadWrite for the first time \(success\)/);
    // The credential added two minutes later folds into that open new_permission incident.
    expect(r.stderr).toMatch(/1 further triggers folded into open incidents/);
  });
});
