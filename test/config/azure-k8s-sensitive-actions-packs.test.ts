import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { Engine } from '../../src/core/engine.js';
import { InvalidEventError } from '../../src/core/errors.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { decodeRecords } from '../../src/formats/decode-records.js';
import { SkippedRecord } from '../../src/formats/log-format.js';
import { T0, event, run } from '../helpers/traffic.js';

const pack = (name: string) => loadBaselinesDir(fileURLToPath(new URL(`../../baselines/packs/${name}/`, import.meta.url)));
const decoded = (value: unknown): AuditEvent[] =>
  [...decodeRecords(value)].filter((o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord));
/** The default config (cold start, 7-day learning), every trigger its own alert. */
const alertsOf = (name: string, events: AuditEvent[]) =>
  run(new Engine(defaultEngineSettings({ cooldownMs: 0 }), pack(name).baselines), events).map((a) => [
    a.evidence[0],
    a.detector,
    a.observed['label'] ?? a.observed['permission'] ?? null,
  ]);

// audit.k8s.io/v1 Events as the Kubernetes auditing documentation shows them (ResponseComplete,
// level RequestResponse where a body matters), with made-up names.
let k = 0;
function k8s(username: string, verb: string, objectRef: Record<string, string>, requestObject?: unknown) {
  k++;
  const ns = objectRef['namespace'];
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: requestObject === undefined ? 'Metadata' : 'RequestResponse',
    auditID: `k-${k}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/${ns === undefined ? '' : `namespaces/${ns}/`}${objectRef['resource']}${objectRef['name'] === undefined ? '' : `/${objectRef['name']}`}${objectRef['subresource'] === undefined ? '' : `/${objectRef['subresource']}`}`,
    verb,
    user: { username, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.5'],
    objectRef: { apiVersion: 'v1', ...objectRef },
    ...(requestObject !== undefined && { requestObject }),
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: new Date(T0 + k * 60_000).toISOString(),
    stageTimestamp: new Date(T0 + k * 60_000 + 5).toISOString(),
  };
}
const pod = (spec: Record<string, unknown>) => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'x' },
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
});

describe('the Kubernetes sensitive-actions pack, on audit events written from the documentation, with the default config', () => {
  it("each entry raises new_sensitive_action from the first event; ordinary workloads and the kubelet's own token requests raise nothing", () => {
    const dev = 'alice@example.com';
    const ci = 'system:serviceaccount:ci:deployer';
    const records = [
      k8s(dev, 'create', { resource: 'pods', namespace: 'payments', name: 'api-7d9f', subresource: 'exec' }),
      k8s(dev, 'create', { resource: 'pods', namespace: 'payments', name: 'api-7d9f', subresource: 'portforward' }),
      k8s(dev, 'patch', { resource: 'pods', namespace: 'payments', name: 'api-7d9f', subresource: 'ephemeralcontainers' }),
      k8s(dev, 'get', { resource: 'nodes', name: 'node-1', subresource: 'proxy' }),
      k8s(
        ci,
        'create',
        { resource: 'pods', namespace: 'ci', name: 'x' },
        pod({ containers: [{ name: 'app', image: 'alpine', securityContext: { privileged: true } }] }),
      ),
      k8s(
        `${ci}-2`,
        'create',
        { resource: 'daemonsets', namespace: 'ci', apiGroup: 'apps' },
        {
          kind: 'DaemonSet',
          metadata: { name: 'd' },
          spec: { template: { spec: { containers: [{ name: 'a', image: 'alpine' }], volumes: [{ name: 'root', hostPath: { path: '/' } }] } } },
        },
      ),
      k8s(`${ci}-3`, 'create', { resource: 'pods', namespace: 'ci', name: 'y' }, pod({ hostPID: true })),
      k8s(
        dev,
        'create',
        { resource: 'services', namespace: 'payments', name: 'api' },
        { kind: 'Service', metadata: { name: 'api' }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } },
      ),
      k8s(dev, 'create', { resource: 'serviceaccounts', namespace: 'kube-system', name: 'replicaset-controller', subresource: 'token' }),
      k8s(dev, 'update', { resource: 'certificatesigningrequests', name: 'csr-1', subresource: 'approval', apiGroup: 'certificates.k8s.io' }),
      k8s(dev, 'escalate', { resource: 'clusterroles', name: 'view', apiGroup: 'rbac.authorization.k8s.io' }),
      k8s(dev, 'create', { resource: 'mutatingwebhookconfigurations', name: 'inject', apiGroup: 'admissionregistration.k8s.io' }),
      k8s(dev, 'delete', {
        resource: 'validatingwebhookconfigurations',
        name: 'gatekeeper-validating-webhook-configuration',
        apiGroup: 'admissionregistration.k8s.io',
      }),
      k8s(dev, 'delete', { resource: 'events', namespace: 'payments', name: 'api-7d9f.17a' }),
      // Not news: an ordinary pod, a ClusterIP service, the kubelet minting a pod's token.
      k8s(`${ci}-4`, 'create', { resource: 'pods', namespace: 'ci', name: 'z' }, pod({})),
      k8s(
        `${dev}-2`,
        'create',
        { resource: 'services', namespace: 'payments', name: 'internal' },
        { kind: 'Service', metadata: { name: 'internal' }, spec: { type: 'ClusterIP' } },
      ),
      k8s('system:node:node-1', 'create', { resource: 'serviceaccounts', namespace: 'payments', name: 'default', subresource: 'token' }),
    ];
    expect(
      alertsOf(
        'kubernetes',
        records.flatMap((r) => decoded(r)),
      ),
    ).toEqual([
      ['k-1', 'new_sensitive_action', 'pod-exec'],
      ['k-2', 'new_sensitive_action', 'pod-portforward'],
      ['k-3', 'new_sensitive_action', 'pod-debug-container'],
      ['k-4', 'new_sensitive_action', 'kubelet-api'],
      ['k-5', 'new_sensitive_action', 'privileged-workload'],
      ['k-6', 'new_sensitive_action', 'host-path-mount'],
      ['k-7', 'new_sensitive_action', 'host-namespaces'],
      ['k-8', 'new_sensitive_action', 'service-exposed'],
      ['k-9', 'new_sensitive_action', 'token-minted'],
      ['k-10', 'new_sensitive_action', 'certificate-approved'],
      ['k-11', 'new_sensitive_action', 'rbac-escalate'],
      ['k-12', 'new_sensitive_action', 'admission-webhook'],
      ['k-13', 'new_sensitive_action', 'admission-control-removed'],
      ['k-14', 'new_sensitive_action', 'events-deleted'],
    ]);
  });
});

// Microsoft Entra audit log records as the Event Hubs export and the audit activity reference
// show them (activityDisplayName, initiatedBy, targetResources), with made-up ids.
let e = 0;
function entra(activity: string, initiator: string) {
  e++;
  return {
    time: new Date(T0 + e * 60_000).toISOString(),
    operationName: activity,
    category: 'AuditLogs',
    tenantId: '6f1c2a9e-0000-4000-8000-000000000001',
    properties: {
      id: `Directory_e-${e}`,
      category: 'ApplicationManagement',
      result: 'success',
      resultReason: '',
      activityDisplayName: activity,
      activityDateTime: new Date(T0 + e * 60_000).toISOString(),
      loggedByService: 'Core Directory',
      operationType: 'Update',
      initiatedBy: { app: { displayName: initiator, servicePrincipalId: `9d0f5c1e-aaaa-4bbb-8ccc-00000000000${e % 10}` } },
      targetResources: [{ id: `7e1b2c3d-0000-4000-8000-00000000000${e % 10}`, displayName: 'target', type: 'Other', modifiedProperties: [] }],
    },
  };
}

describe('the Azure / Entra sensitive-actions pack, with the default config', () => {
  it('Entra audit activities that change trust, Conditional Access or app ownership raise new_sensitive_action; an ordinary update raises nothing', () => {
    const activities = [
      'Set domain authentication',
      'Set federation settings on domain',
      'Update conditional access policy',
      'Delete conditional access policy',
      'Add named location',
      'Disable Strong Authentication',
      'Add owner to application',
      'Add owner to service principal',
      'Consent to application',
      'Update user',
    ];
    const records = { records: activities.map((a) => entra(a, 'automation-sp')) };
    const events = decoded(records);
    expect(events.map((x) => x.action)).toEqual(activities);
    expect(alertsOf('azure', events).map((a) => a[2])).toEqual([
      'domain-federation-changed',
      'domain-federation-changed',
      'conditional-access-changed',
      'conditional-access-changed',
      'trusted-location-changed',
      'mfa-disabled',
      'app-owner-added',
      'app-owner-added',
      'app-consent',
    ]);
  });

  it('Azure Activity operations (either casing) that stop logging, run commands or export disks raise it; a read raises nothing', () => {
    const ops = [
      'Microsoft.Insights/diagnosticSettings/delete',
      'MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION',
      'Microsoft.Compute/virtualMachines/extensions/write',
      'Microsoft.Compute/snapshots/beginGetAccess/action',
      'Microsoft.KeyVault/vaults/accessPolicies/write',
      'Microsoft.Network/networkWatchers/flowLogs/delete',
      'Microsoft.Compute/virtualMachines/read',
    ];
    const events = ops.map((action, i) =>
      event('mi-ops', T0 + i * 60_000, { action, resource: `/subscriptions/0000/resourceGroups/rg/providers/x/${i}`, category: 'resource_access' }),
    );
    expect(alertsOf('azure', events).map((a) => a[2])).toEqual([
      'diagnostic-logging-stopped',
      'vm-run-command',
      'vm-extension',
      'disk-exported',
      'key-vault-access-changed',
      'network-logging-stopped',
    ]);
  });

  it('every entry of the three packs says why it is there', () => {
    for (const name of ['aws', 'azure', 'kubernetes']) {
      const actions = (pack(name).document.sensitive ?? []).filter((s) => s.field === 'action');
      expect(actions.length, name).toBeGreaterThan(15);
      expect(
        actions.filter((s) => (s.why ?? '').length < 20),
        name,
      ).toEqual([]);
    }
  });
});
