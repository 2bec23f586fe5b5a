import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const declared = {
  sensitive: [
    { pattern: 'arn:aws:secretsmanager:*', label: 'secrets' },
    { pattern: 'https://*.vault.azure.net/secrets/*', label: 'key-vault' },
  ],
};
const loud = { newSensitiveResource: { quietColdStart: false } };
const read = (agent: string, t: number, resource: string) => event(agent, t, { category: 'resource_access', resource });

describe('new_sensitive_resource', () => {
  it('fires on the first access from the very first event, and not on repeats', () => {
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password';
    const alerts = run(engineWith(loud, declared), [read('etl', T0, secret), read('etl', T0 + HOUR, secret), read('etl', T0 + 2 * DAY, secret)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ detector: 'new_sensitive_resource', agentId: 'etl', severity: 'medium', time: new Date(T0).toISOString() });
    expect(alerts[0]?.observed).toMatchObject({ resource: secret, label: 'secrets' });
    expect(alerts[0]?.baseline.learning).toBe(true);
  });

  it('ignores new ordinary resources every day, and flags a new secret after learning as high', () => {
    const daily = Array.from({ length: 20 }, (_, d) => read('etl', T0 + d * DAY + 3 * HOUR, `s3://reports/${d}/part-0.csv`));
    const newSecret = read('etl', T0 + 15 * DAY, 'https://prod.vault.azure.net/secrets/signing-key');
    const alerts = run(
      engineWith({}, declared),
      merge(
        traffic('etl', T0, T0 + 20 * DAY, () => 2, 1),
        daily,
        [newSecret],
      ),
    );
    expect(alerts.map((a) => [a.detector, a.severity, a.eventId])).toEqual([['new_sensitive_resource', 'high', newSecret.id]]);
  });

  it('keeps other agents independent: the same secret is new for each', () => {
    const s = 'arn:aws:secretsmanager:eu-west-1:1:secret:shared';
    const alerts = run(engineWith(loud, declared), [read('a', T0, s), read('b', T0 + 1000, s)]);
    expect(alerts.map((a) => a.agentId)).toEqual(['a', 'b']);
  });

  it('folds several new secrets within the cooldown into one incident', () => {
    const engine = engineWith(loud, declared);
    const alerts = run(
      engine,
      [1, 2, 3, 4].map((i) => read('enum', T0 + i * 60_000, `arn:aws:secretsmanager:eu-west-1:1:secret:s${i}`)),
    );
    expect(alerts).toHaveLength(1);
    expect(engine.stats.incidentUpdates).toBe(3);
  });

  it('at a cold start, agents already present learn their secrets silently; a newcomer is judged from its first event', () => {
    const own = 'arn:aws:secretsmanager:eu-west-1:1:secret:etl/db';
    const newcomerAt = T0 + 10 * DAY;
    const events = merge(
      traffic('etl', T0, T0 + 12 * DAY, () => 1, 1),
      [read('etl', T0 + HOUR, own), read('etl', T0 + DAY, own)],
      [read('newcomer', newcomerAt, 'arn:aws:secretsmanager:eu-west-1:1:secret:payments/key')],
      [read('etl', T0 + 11 * DAY, 'arn:aws:secretsmanager:eu-west-1:1:secret:hr/workday')],
    );
    const alerts = run(engineWith({}, declared), events);
    expect(alerts.map((a) => [a.agentId, a.severity, a.time])).toEqual([
      ['newcomer', 'medium', new Date(newcomerAt).toISOString()],
      ['etl', 'high', new Date(T0 + 11 * DAY).toISOString()],
    ]);
  });

  it("names the act, and a secret the agent creates itself is not a first access of someone else's (issue 15)", () => {
    const mine = 'arn:aws:secretsmanager:eu-west-1:1:secret:etl/new-token';
    const theirs = 'arn:aws:secretsmanager:eu-west-1:1:secret:payments/stripe';
    const act = (t: number, action: string, resource: string, outcome: 'success' | 'denied' = 'success') =>
      event('etl', t, { category: 'resource_access', action, resource, outcome });
    const alerts = run(engineWith({ ...loud, cooldownMs: 0 }, declared), [
      act(T0, 'secretsmanager:CreateSecret', mine),
      act(T0 + HOUR, 'secretsmanager:GetSecretValue', mine),
      act(T0 + 2 * HOUR, 'secretsmanager:GetSecretValue', theirs),
      act(T0 + 3 * HOUR, 'secretsmanager:CreateSecret', 'arn:aws:secretsmanager:eu-west-1:1:secret:denied', 'denied'),
    ]);
    expect(alerts.map((a) => [a.detector, a.agentId, a.time, a.observed['resource']])).toEqual([
      ['new_sensitive_resource', 'etl', new Date(T0 + 2 * HOUR).toISOString(), theirs],
      ['new_sensitive_resource', 'etl', new Date(T0 + 3 * HOUR).toISOString(), 'arn:aws:secretsmanager:eu-west-1:1:secret:denied'],
    ]);
    expect(alerts[0]?.summary).toBe(
      `etl read the value of secrets resource ${theirs} for the first time (secretsmanager:GetSecretValue); it had touched 1 sensitive resources before.`,
    );
    expect(alerts[0]?.observed['act']).toBe('read the value of');
  });

  it('says who else last touched the resource, and never names the agent itself (issue 15)', () => {
    const secret = 'arn:aws:secretsmanager:eu-west-1:1:secret:payments/stripe';
    const get = (agent: string, t: number) => event(agent, t, { category: 'resource_access', action: 'secretsmanager:GetSecretValue', resource: secret });
    const alerts = run(engineWith({ ...loud, cooldownMs: 0 }, declared), [get('payments', T0), get('payments', T0 + HOUR), get('etl', T0 + 2 * HOUR)]);
    expect(alerts.map((a) => [a.detector, a.agentId, a.time])).toEqual([
      ['new_sensitive_resource', 'payments', new Date(T0).toISOString()],
      ['new_sensitive_resource', 'etl', new Date(T0 + 2 * HOUR).toISOString()],
    ]);
    expect(alerts[0]?.observed['lastTouchedBy']).toBeUndefined();
    expect(alerts[1]?.observed).toMatchObject({
      lastTouchedBy: 'payments',
      lastTouchedWith: 'secretsmanager:GetSecretValue',
      lastTouchedAt: new Date(T0 + HOUR).toISOString(),
    });
    expect(alerts[1]?.summary).toContain(`Last touched by payments (secretsmanager:GetSecretValue, ${new Date(T0 + HOUR).toISOString()}).`);
  });
});
