import { describe, expect, it } from 'vitest';
import { T0, engineWith, event, run } from '../../helpers/traffic.js';

const declared = {
  agents: [
    {
      match: { agentId: 'invoice-*' },
      allowedRegions: ['westeurope', 'northeurope'],
      expectedPermissions: ['storage.*', 'queue.send'],
      allowedResources: ['https://invoices.blob.core.windows.net/*'],
      maxEventsPerMinute: 5,
    },
  ],
};
const ok = { source: { region: 'westeurope' }, category: 'resource_access' as const, resource: 'https://invoices.blob.core.windows.net/2026/03/a.pdf' };

describe('policy_violation', () => {
  it('alerts from the very first event on each declared expectation, with no learning', () => {
    const cases: [string, Parameters<typeof event>[2]][] = [
      ['allowedRegions', { ...ok, source: { region: 'brazilsouth', ip: '191.232.1.1' } }],
      ['expectedPermissions', { category: 'permission_request', permission: 'iam:CreateAccessKey', source: { region: 'westeurope' } }],
      ['allowedResources', { ...ok, resource: 'https://payroll.blob.core.windows.net/x' }],
    ];
    for (const [rule, extra] of cases) {
      const alerts = run(engineWith({}, declared), [event('invoice-1', T0, ok), event('invoice-1', T0 + 1000, extra)]);
      expect(alerts.map((a) => [a.detector, a.observed['rule'], a.baseline.learning])).toEqual([['policy_violation', rule, true]]);
    }
  });

  it('enforces the declared maximum rate once per minute, and leaves agents without declarations alone', () => {
    const burst = Array.from({ length: 8 }, (_, i) => event('invoice-2', T0 + i * 1000, ok));
    const alerts = run(engineWith({}, declared), burst);
    expect(alerts.map((a) => a.observed['rule'])).toEqual(['maxEventsPerMinute']);
    expect(run(engineWith({}, declared), Array.from({ length: 8 }, (_, i) => event('other', T0 + i * 1000, { source: { region: 'mars' } })))).toEqual([]);
  });

  it('does not flag permissions that are expected, nor regions that are allowed', () => {
    const fine = [event('invoice-3', T0, ok), event('invoice-3', T0 + 1000, { category: 'permission_request', permission: 'storage.read', source: { region: 'northeurope' } })];
    expect(run(engineWith({}, declared), fine)).toEqual([]);
  });
});
