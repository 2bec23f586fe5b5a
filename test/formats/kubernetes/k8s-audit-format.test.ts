import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { type DecodedRecord, decodeRecords } from '../../../src/formats/decode-records.js';
import { detectFormat } from '../../../src/formats/format-registry.js';
import { k8sAuditFormat } from '../../../src/formats/kubernetes/k8s-audit-format.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';

// Written from the Kubernetes auditing documentation (audit.k8s.io/v1 Event, stages, the log
// backend's one event per line), with made-up workloads and documentation addresses.
const values = readFileSync(join(import.meta.dirname, 'fixtures', 'audit.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);
const outs: DecodedRecord[] = values.flatMap((v) => [...decodeRecords(v)]);
const events = outs.filter((o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord));
const byId = (id: string): AuditEvent => events.find((e) => e.id === id) as AuditEvent;

describe('Kubernetes audit adapter', () => {
  it('recognises audit Events; only final stages become events, earlier ones are skipped, no user is rejected', () => {
    expect(values).toHaveLength(9);
    for (const v of values) expect(detectFormat(v)?.name).toBe('k8s-audit');
    expect(outs).toHaveLength(9);
    expect(outs[0]).toEqual(new SkippedRecord('k8s-audit stage RequestReceived'));
    expect(events.map((e) => e.id)).toEqual(['a-0001', 'a-0002', 'a-0003', 'a-0004', 'a-0005', 'a-0006', 'a-0007']);
    expect(outs[8]).toMatchObject({ reason: 'unmapped', message: 'Kubernetes audit a-0008: no user.username' });
  });

  it('an unknown stage is skipped under one bounded reason, never its own text (issue 13)', () => {
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: 'x',
      verb: 'get',
      user: { username: 'system:serviceaccount:a:b' },
      requestReceivedTimestamp: '2026-03-02T09:00:00Z',
    };
    expect([...decodeRecords({ ...event, stage: '\u001b]0;pwned\u0007' })]).toEqual([new SkippedRecord('k8s-audit stage unknown')]);
    expect([...decodeRecords({ ...event, stage: 'ResponseStarted' })]).toEqual([new SkippedRecord('k8s-audit stage ResponseStarted')]);
  });

  it('a service account reading a secret: verb + resource, namespaced path, marked as a service account', () => {
    expect(byId('a-0001')).toMatchObject({
      agentId: 'system:serviceaccount:payments:invoice-agent',
      category: 'resource_access',
      action: 'get secrets',
      resource: '/namespaces/payments/secrets/stripe-key',
      outcome: 'success',
      timeMs: Date.parse('2026-03-02T09:15:00.100Z'),
      source: { ip: '10.0.3.14' },
      attributes: {
        'k8s.identityKind': 'serviceaccount',
        'k8s.serviceAccount': true,
        'k8s.serviceAccountNamespace': 'payments',
        'k8s.verb': 'get',
        'k8s.decision': 'allow',
      },
    });
    expect(byId('a-0002')).toMatchObject({ action: 'list secrets', resource: '/namespaces/kube-system/secrets', outcome: 'denied' });
  });

  it('RBAC bindings are permission requests for their roleRef', () => {
    expect(byId('a-0003')).toMatchObject({
      agentId: 'system:serviceaccount:ci:deployer',
      category: 'permission_request',
      action: 'create clusterrolebindings',
      permission: 'ClusterRole/cluster-admin',
      resource: '/clusterrolebindings/deployer-admin',
      outcome: 'success',
    });
    // A person is watched too, and marked as one; 422 is a failure, not a denial.
    expect(byId('a-0004')).toMatchObject({
      agentId: 'alice@example.com',
      permission: 'Role/payments/secret-reader',
      outcome: 'failure',
      attributes: { 'k8s.identityKind': 'user', 'k8s.serviceAccount': false },
    });
  });

  it('subresources, impersonation, non-resource URLs, panics', () => {
    expect(byId('a-0005')).toMatchObject({
      action: 'create pods/exec',
      resource: '/namespaces/payments/pods/api-7d9f/exec',
      source: { ip: '10.0.3.14' },
      attributes: { 'k8s.impersonatedUser': 'system:serviceaccount:payments:debugger' },
    });
    expect(byId('a-0006')).toMatchObject({
      agentId: 'system:anonymous',
      category: 'api_call',
      action: 'get /healthz',
      outcome: 'denied',
      attributes: { 'k8s.identityKind': 'anonymous' },
    });
    expect(byId('a-0006').resource).toBeUndefined();
    expect(byId('a-0007')).toMatchObject({
      action: 'get nodes/proxy',
      resource: '/nodes/node-1/proxy',
      outcome: 'failure',
      attributes: { 'k8s.identityKind': 'node', 'k8s.stage': 'Panic' },
    });
  });

  it('an EventList (webhook backend) yields its items; --format k8s-audit on something else is rejected', () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: values.slice(0, 3) };
    expect(k8sAuditFormat.detect(list)).toBe(true);
    expect([...decodeRecords(list)].map((o) => (o instanceof SkippedRecord ? 'skip' : (o as AuditEvent).id))).toEqual(['skip', 'a-0001', 'a-0002']);
    expect([...decodeRecords({ kind: 0 }, k8sAuditFormat)]).toEqual([expect.objectContaining({ reason: 'unmapped' })]);
  });
});
