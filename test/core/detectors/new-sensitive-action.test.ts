import { describe, expect, it } from 'vitest';
import type { DeclaredBaselinesDocument } from '../../../src/core/baselines/declared-baselines-schema.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const declared: DeclaredBaselinesDocument = {
  sensitive: [
    { pattern: 'arn:aws:ec2:*:snapshot/*', label: 'ebs-snapshot' },
    { pattern: 'arn:aws:secretsmanager:*', label: 'aws-secret' },
    { pattern: 'cloudtrail:StopLogging', field: 'action', label: 'logging-stopped', why: 'the audit trail stops recording' },
    { pattern: 'ec2:ModifySnapshotAttribute', field: 'action', label: 'snapshot-shared', when: { 'aws.sharedWith': '*' } },
    { pattern: 'ec2:AuthorizeSecurityGroupIngress', field: 'action', label: 'ingress-open-to-world', when: { 'aws.ingressCidrs': ['0.0.0.0/0', '::/0'] } },
  ],
};
const SNAP = 'arn:aws:ec2:eu-west-1:111122223333:snapshot/snap-1234567890abcdef0';
const call = (agent: string, t: number, action: string, extra: Partial<AuditEvent> = {}) => event(agent, t, { category: 'resource_access', action, ...extra });
const brief = (a: { detector: string; agentId: string; time: string; severity: string }) => [a.detector, a.agentId, a.time, a.severity];
const iso = (t: number) => new Date(t).toISOString();

describe('new_sensitive_action', () => {
  it('fires on the first use of a declared action from the very first event of a cold start, and not on repeats', () => {
    // Default settings: a 7-day learning period and a quiet cold start for sensitive resources.
    const trail = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main';
    const alerts = run(engineWith({}, declared), [
      call('ops', T0, 'cloudtrail:StopLogging', { resource: trail }),
      call('ops', T0 + HOUR, 'cloudtrail:StopLogging', { resource: trail }),
    ]);
    expect(alerts.map(brief)).toEqual([['new_sensitive_action', 'ops', iso(T0), 'medium']]);
    expect(alerts[0]?.summary).toBe(`ops called cloudtrail:StopLogging (logging-stopped) for the first time on ${trail}: the audit trail stops recording.`);
    expect(alerts[0]?.expected).toMatchObject({ matchedPattern: 'cloudtrail:StopLogging', why: 'the audit trail stops recording' });
  });

  it('fires only when its conditions on the request hold, at high severity, naming them', () => {
    const events = [
      call('ops', T0, 'ec2:ModifySnapshotAttribute', { resource: SNAP, attributes: {} }), // a permission removed: no sharedWith
      call('ops', T0 + MINUTE, 'ec2:AuthorizeSecurityGroupIngress', { attributes: { 'aws.ingressCidrs': '198.51.100.0/24' } }),
      call('ops', T0 + 2 * MINUTE, 'ec2:ModifySnapshotAttribute', { resource: SNAP, attributes: { 'aws.sharedWith': '444455556666' } }),
      call('ops', T0 + 3 * MINUTE, 'ec2:AuthorizeSecurityGroupIngress', { attributes: { 'aws.ingressCidrs': '10.0.0.0/8,::/0', 'aws.ingressPorts': '22' } }),
    ];
    const alerts = run(engineWith({ cooldownMs: 0 }, declared), events);
    expect(alerts.map(brief)).toEqual([
      ['new_sensitive_action', 'ops', iso(T0 + 2 * MINUTE), 'high'],
      ['new_sensitive_action', 'ops', iso(T0 + 3 * MINUTE), 'high'],
    ]);
    expect(alerts[0]?.summary).toContain(`called ec2:ModifySnapshotAttribute (snapshot-shared) for the first time on ${SNAP} with aws.sharedWith=444455556666`);
    expect(alerts[1]?.observed).toMatchObject({ label: 'ingress-open-to-world', conditions: ['aws.ingressCidrs=10.0.0.0/8,::/0'] });
  });

  it('reports a share of a sensitive resource once, as the act, not also as a first access', () => {
    const alerts = run(engineWith({ cooldownMs: 0, newSensitiveResource: { quietColdStart: false } }, declared), [
      call('ops', T0, 'ec2:ModifySnapshotAttribute', { resource: SNAP, attributes: { 'aws.sharedWith': 'all' } }),
    ]);
    expect(alerts.map((a) => a.detector)).toEqual(['new_sensitive_action']);
  });

  it('after learning, a first use is high; each agent is judged on its own', () => {
    const stop = (agent: string, t: number) => call(agent, t, 'cloudtrail:StopLogging', { resource: 'arn:aws:cloudtrail:eu-west-1:1:trail/main' });
    const events = merge(
      traffic('ops', T0, T0 + 9 * DAY, () => 0.2, 3),
      [stop('ops', T0 + 8 * DAY), stop('ci', T0 + 8 * DAY + HOUR)],
    );
    const alerts = run(engineWith({}, declared), events);
    expect(alerts.map(brief)).toEqual([
      ['new_sensitive_action', 'ops', iso(T0 + 8 * DAY), 'high'],
      ['new_sensitive_action', 'ci', iso(T0 + 8 * DAY + HOUR), 'medium'],
    ]);
  });

  it('raises nothing for undeclared actions or when disabled', () => {
    const events = [call('ops', T0, 'ec2:DescribeSnapshots'), call('ops', T0 + MINUTE, 'cloudtrail:StopLogging')];
    expect(run(engineWith({}, declared), events.slice(0, 1))).toEqual([]);
    expect(run(engineWith({ newSensitiveAction: { enabled: false } }, declared), events)).toEqual([]);
  });
});
