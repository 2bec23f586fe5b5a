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
    expect(
      run(
        engineWith({}, declared),
        Array.from({ length: 8 }, (_, i) => event('other', T0 + i * 1000, { source: { region: 'mars' } })),
      ),
    ).toEqual([]);
  });

  it('does not flag permissions that are expected, nor regions that are allowed', () => {
    const fine = [
      event('invoice-3', T0, ok),
      event('invoice-3', T0 + 1000, { category: 'permission_request', permission: 'storage.read', source: { region: 'northeurope' } }),
    ];
    expect(run(engineWith({}, declared), fine)).toEqual([]);
  });
});

describe('policy_violation: declared active hours', () => {
  it('reports an agent that habitually works outside the hours it was declared for, once per hour, without doubling off_hours', async () => {
    const { traffic, DAY, HOUR } = await import('../../helpers/traffic.js');
    const hours = { agents: [{ match: { agentId: 'late-*' }, timezone: 'UTC', activeHours: ['Mon-Fri 09:00-17:00'] }] };
    // Works 09:00–19:00 every weekday: 17:00–19:00 is learned as normal but not declared.
    const rate = (t: number) => {
      const d = new Date(t);
      return (d.getUTCDay() + 6) % 7 < 5 && d.getUTCHours() >= 9 && d.getUTCHours() < 19 ? 3 : 0;
    };
    const alerts = run(engineWith({}, hours), traffic('late-1', T0, T0 + 9 * DAY, rate, 1));
    const policy = alerts.filter((a) => a.detector === 'policy_violation');
    expect(policy.length).toBeGreaterThan(0);
    expect(policy.every((a) => a.observed['rule'] === 'activeHours' && [17, 18].includes(new Date(a.time).getUTCHours()))).toBe(true);
    expect(policy.every((a) => Date.parse(a.time) >= T0 + 7 * DAY)).toBe(true);
    // While it learns, off_hours judges it by the declaration; never both for the same hour.
    const offHours = alerts.filter((a) => a.detector === 'off_hours');
    expect(offHours.every((a) => a.baseline.basis === 'declared' && Date.parse(a.time) < T0 + 7 * DAY)).toBe(true);
    const hourOf = (a: { time: string }) => Math.floor(Date.parse(a.time) / HOUR);
    expect(policy.some((p) => offHours.some((o) => hourOf(o) === hourOf(p)))).toBe(false);
  });
});
