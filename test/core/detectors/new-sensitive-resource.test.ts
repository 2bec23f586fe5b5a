import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const declared = {
  sensitive: [
    { pattern: 'arn:aws:secretsmanager:*', label: 'secrets' },
    { pattern: 'https://*.vault.azure.net/secrets/*', label: 'key-vault' },
  ],
};
const read = (agent: string, t: number, resource: string) => event(agent, t, { category: 'resource_access', resource });

describe('new_sensitive_resource', () => {
  it('fires on the first access from the very first event, and not on repeats', () => {
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-password';
    const alerts = run(engineWith({}, declared), [read('etl', T0, secret), read('etl', T0 + HOUR, secret), read('etl', T0 + 2 * DAY, secret)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ detector: 'new_sensitive_resource', agentId: 'etl', severity: 'medium', time: new Date(T0).toISOString() });
    expect(alerts[0]?.observed).toMatchObject({ resource: secret, label: 'secrets' });
    expect(alerts[0]?.baseline.learning).toBe(true);
  });

  it('ignores new ordinary resources every day, and flags a new secret after learning as high', () => {
    const daily = Array.from({ length: 20 }, (_, d) => read('etl', T0 + d * DAY + 3 * HOUR, `s3://reports/${d}/part-0.csv`));
    const newSecret = read('etl', T0 + 15 * DAY, 'https://prod.vault.azure.net/secrets/signing-key');
    const alerts = run(engineWith({}, declared), merge(traffic('etl', T0, T0 + 20 * DAY, () => 2, 1), daily, [newSecret]));
    expect(alerts.map((a) => [a.detector, a.severity, a.eventId])).toEqual([['new_sensitive_resource', 'high', newSecret.id]]);
  });

  it('keeps other agents independent: the same secret is new for each', () => {
    const s = 'arn:aws:secretsmanager:eu-west-1:1:secret:shared';
    const alerts = run(engineWith({}, declared), [read('a', T0, s), read('b', T0 + 1000, s)]);
    expect(alerts.map((a) => a.agentId)).toEqual(['a', 'b']);
  });

  it('folds several new secrets within the cooldown into one incident', () => {
    const engine = engineWith({}, declared);
    const alerts = run(engine, [1, 2, 3, 4].map((i) => read('enum', T0 + i * 60_000, `arn:aws:secretsmanager:eu-west-1:1:secret:s${i}`)));
    expect(alerts).toHaveLength(1);
    expect(engine.stats.incidentUpdates).toBe(3);
  });
});
