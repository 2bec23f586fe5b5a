// Issue 18, item 5: secrets are marked once, in the schema, and hidden from that mark.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { redactBySchema, redactConfig, secretPaths } from '../../src/config/secret-fields.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('secret fields', () => {
  it('are the ones the schema marks, wherever they sit (sink variants, maps, lists)', () => {
    const paths = secretPaths(ConfigSchema)
      .map((s) => `${s.path.join('.')}${s.mark === 'url' ? ' (url)' : ''}`)
      .sort();
    expect(paths).toEqual(
      [
        'alerts.sinks.*.url (url)',
        'alerts.sinks.*.auth.bearerToken',
        'alerts.sinks.*.auth.password',
        'alerts.sinks.*.headers',
        'alerts.sinks.*.secrets',
        'kafka.sasl.password',
        'telemetry.bearerToken',
      ].sort(),
    );
  });

  it('leave no field that names a credential unmarked', () => {
    const unmarked: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      if (node['secret']) return;
      const props = (node['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      for (const [k, child] of Object.entries(props)) {
        if (/password$|token$|^secrets?$|authorization/i.test(k) && !child['secret']) unmarked.push(`${path}${k}`);
        walk(child, `${path}${k}.`);
      }
      for (const key of ['items', 'additionalProperties'] as const)
        if (node[key] && typeof node[key] === 'object') walk(node[key] as Record<string, unknown>, `${path}*.`);
      for (const v of [
        ...((node['oneOf'] as Record<string, unknown>[] | undefined) ?? []),
        ...((node['anyOf'] as Record<string, unknown>[] | undefined) ?? []),
      ])
        walk(v, path);
    };
    walk(ConfigSchema as unknown as Record<string, unknown>, '');
    expect(unmarked).toEqual([]);
  });

  it('are hidden in the logged copy of a config: whole values, each list item, each header, a URL down to its origin', () => {
    const { config } = loadConfig(undefined, { AGENTWATCH_METRICS_TOKEN: 'metrics-token-0123456789' });
    const withSinks = {
      ...config,
      alerts: {
        ...config.alerts,
        sinks: [
          {
            type: 'webhook',
            url: 'https://hooks.slack.com/services/T0/B0/XYZ',
            preset: 'slack',
            secrets: ['whsec_c2VjcmV0LXNpZ25pbmcta2V5'],
            headers: { 'X-Api-Key': 'k-123' },
          },
          { type: 'alertmanager', url: 'http://am:9093', auth: { username: 'aw', password: 'am-pass' } },
          { type: 'stdout', format: 'json' },
        ],
      },
    } as unknown as typeof config;
    const logged = redactConfig(withSinks) as unknown as { alerts: { sinks: Record<string, unknown>[] }; telemetry: { bearerToken: string } };
    const text = JSON.stringify(logged);
    for (const secret of ['XYZ', 'whsec_c2VjcmV0', 'k-123', 'am-pass', 'metrics-token-0123456789']) expect(text).not.toContain(secret);
    expect(logged.alerts.sinks[0]).toMatchObject({
      url: 'https://hooks.slack.com/[redacted]',
      secrets: ['[redacted]'],
      headers: { 'X-Api-Key': '[redacted]' },
      preset: 'slack',
    });
    expect(logged.alerts.sinks[1]).toMatchObject({ url: 'http://am:9093', auth: { username: 'aw', password: '[redacted]' } });
    expect(logged.alerts.sinks[2]).toEqual({ type: 'stdout', format: 'json' });
    expect(logged.telemetry.bearerToken).toBe('[redacted]');
    expect((withSinks.alerts.sinks?.[1] as { auth: { password: string } }).auth.password).toBe('am-pass');
  });

  it('leave unmarked values alone', () => {
    expect(redactBySchema(ConfigSchema, { kafka: { brokers: ['a:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } } })).toEqual({
      kafka: { brokers: ['a:9092'], sasl: { mechanism: 'plain', username: 'u', password: '[redacted]' } },
    });
  });
});
