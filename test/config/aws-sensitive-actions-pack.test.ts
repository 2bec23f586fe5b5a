import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { Engine } from '../../src/core/engine.js';
import { InvalidEventError } from '../../src/core/errors.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { decodeRecords } from '../../src/formats/decode-records.js';
import { SkippedRecord } from '../../src/formats/log-format.js';
import { run } from '../helpers/traffic.js';

// CloudTrail records written from the AWS API references and the CloudTrail user guide (request
// parameters as CloudTrail logs them), one per entry of baselines/packs/aws/aws-sensitive-actions.yaml
// and benign neighbours, with made-up accounts and ids.
const fixture = (name: string): AuditEvent[] =>
  [...decodeRecords(JSON.parse(readFileSync(fileURLToPath(new URL(`../formats/cloudtrail/fixtures/${name}`, import.meta.url)), 'utf8')) as unknown)].filter(
    (o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord),
  );
const { baselines } = loadBaselinesDir(fileURLToPath(new URL('../../baselines/packs/aws/', import.meta.url)));

/** The default config (cold start, 7-day learning), every trigger its own alert. */
function alertsOf(events: AuditEvent[]) {
  const alerts = run(new Engine(defaultEngineSettings({ cooldownMs: 0 }), baselines), events);
  return alerts.map((a) => [a.evidence[0], a.detector, a.observed['label'] ?? a.observed['permission'], a.severity]);
}

describe('the AWS sensitive-actions pack, on CloudTrail records written from the documentation, with the default config', () => {
  it('every entry raises new_sensitive_action from the first event of a cold start; benign neighbours raise nothing', () => {
    const events = fixture('threat-actions.json');
    const labels = [
      'audit-logging-stopped',
      'audit-logging-stopped',
      'audit-logging-narrowed',
      'audit-logging-narrowed',
      'network-logging-stopped',
      'dns-logging-stopped',
      'dns-logging-stopped',
      'threat-detection-disabled',
      'threat-detection-changed',
      'threat-detection-disabled',
      'threat-detection-suppressed',
      'threat-detection-disabled',
      'config-recording-stopped',
      'config-recording-stopped',
      'config-recording-stopped',
      'logs-deleted',
      'organization-left',
      'password-policy-weakened',
      'password-policy-weakened',
      'layer-public',
      's3-public-access-unblocked',
      's3-public-access-changed',
      'remote-command',
      'remote-shell',
      'remote-command',
      'remote-shell',
      'remote-ssh-key',
      'remote-serial-console',
      'remote-serial-console',
      'secrets-bulk-read',
      'windows-password-read',
      'instance-user-data-read',
      'gpu-instances-launched',
      'ai-model-access-enabled',
      'ai-model-access-enabled',
      'ai-model-access-enabled',
      'key-deletion-scheduled',
    ];
    // Conditioned entries (a public layer, user data read, GPU instances) are high at once; the others medium while the identity is new.
    const high = new Set(['layer-public', 'instance-user-data-read', 'gpu-instances-launched']);
    const expected = labels.map((label, i) => [`thr-${String(i + 1).padStart(3, '0')}`, 'new_sensitive_action', label, high.has(label) ? 'high' : 'medium']);
    expect(alertsOf(events)).toEqual(expected);
    expect(events).toHaveLength(labels.length + 5);
  });

  it('exposure entries alert only when the request exposes: shared out, open to the world, public, no MFA', () => {
    expect(alertsOf(fixture('exposure.json'))).toEqual([
      ['exp-0001', 'new_sensitive_action', 'ami-shared', 'high'],
      ['exp-0002', 'new_sensitive_action', 'ebs-snapshot-shared', 'high'],
      // exp-0003 removes a permission: nothing.
      ['exp-0004', 'new_sensitive_action', 'rds-snapshot-shared', 'high'],
      ['exp-0005', 'new_sensitive_action', 'ingress-open-to-world', 'high'],
      // exp-0006 opens 443 to a /24: nothing.
      ['exp-0007', 'new_sensitive_action', 'function-public', 'high'],
      // exp-0008 lets S3 invoke a function: nothing.
      ['exp-0009', 'new_sensitive_action', 'console-login-without-mfa', 'high'],
      // exp-0010 signs in with MFA: nothing.
      ['exp-0011', 'new_sensitive_action', 'function-code-replaced', 'medium'],
      ['exp-0012', 'new_sensitive_action', 'function-layer-added', 'high'],
      ['exp-0013', 'new_sensitive_action', 'instance-user-data-changed', 'high'],
    ]);
  });

  it('every entry says why it is there', () => {
    const doc = loadBaselinesDir(fileURLToPath(new URL('../../baselines/packs/aws/', import.meta.url))).document;
    const actions = (doc.sensitive ?? []).filter((s) => s.field === 'action');
    expect(actions.length).toBeGreaterThanOrEqual(40);
    expect(actions.filter((s) => (s.why ?? '').length < 20)).toEqual([]);
  });
});
