import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { ENV_OVERRIDES, applyEnvOverrides } from '../../src/config/env-overrides.js';
import { isSecretConfigPath, redactConfig } from '../../src/config/secret-fields.js';
import { loadConfig } from '../../src/config/load-config.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aw-env-')), 'agentwatch.yaml');
  writeFileSync(file, text);
  return file;
}

/** The thrown error's message and code, or undefined when nothing is thrown. */
function failure(fn: () => unknown): { message: string; code: unknown } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return { message: (err as Error).message, code: (err as { code?: unknown }).code };
  }
}

describe('AGENTWATCH_* environment overrides', () => {
  it('every variable names a path of the config schema of the kind it converts to', () => {
    const kinds: Record<string, string[]> = { string: ['string', 'union'], list: ['array'], boolean: ['boolean'], integer: ['integer'] };
    for (const o of ENV_OVERRIDES) {
      expect(o.env).toMatch(/^AGENTWATCH_[A-Z0-9_]+$/);
      let node: TSchema | undefined = ConfigSchema;
      for (const key of o.path) node = (node?.['properties'] as Record<string, TSchema> | undefined)?.[key];
      expect(node, `${o.env} → ${o.path.join('.')}`).toBeDefined();
      const type = (node!['type'] as string | undefined) ?? (node!['anyOf'] ? 'union' : 'unknown');
      expect(kinds[o.kind], `${o.env} is a ${o.kind}, the schema says ${type}`).toContain(type);
    }
    expect(new Set(ENV_OVERRIDES.map((o) => o.env)).size).toBe(ENV_OVERRIDES.length);
  });

  it('splits lists on commas, trimming blanks', () => {
    const { config } = loadConfig(undefined, { AGENTWATCH_KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ,, ' });
    expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
  });

  it('reads booleans as true/false, yes/no, on/off, 1/0 in any case', () => {
    for (const raw of ['true', 'TRUE', 'yes', 'on', '1']) expect(loadConfig(undefined, { AGENTWATCH_KAFKA_SSL: raw }).config.kafka.ssl.enabled).toBe(true);
    for (const raw of ['false', 'No', 'off', '0']) expect(loadConfig(undefined, { AGENTWATCH_KAFKA_SSL: raw }).config.kafka.ssl.enabled).toBe(false);
  });

  it('coerces integers, then validates them against the schema', () => {
    expect(loadConfig(undefined, { AGENTWATCH_FLUSH_INTERVAL_MS: '2500' }).config.run.flushIntervalMs).toBe(2500);
    const tooSmall = failure(() => loadConfig(undefined, { AGENTWATCH_FLUSH_INTERVAL_MS: '50' }));
    expect(tooSmall?.code).toBe('AW_INVALID_CONFIG');
    expect(tooSmall?.message).toMatch(/\/run\/flushIntervalMs/);
  });

  it('names the variable and the bad value when it cannot convert', () => {
    const cases: [string, string, RegExp][] = [
      ['AGENTWATCH_KAFKA_SSL', 'maybe', /AGENTWATCH_KAFKA_SSL="maybe" is not a boolean/],
      ['AGENTWATCH_FLUSH_INTERVAL_MS', '2.5', /AGENTWATCH_FLUSH_INTERVAL_MS="2\.5" is not an integer/],
      ['AGENTWATCH_FLUSH_INTERVAL_MS', '5s', /AGENTWATCH_FLUSH_INTERVAL_MS="5s" is not an integer/],
    ];
    for (const [name, raw, expected] of cases) {
      const f = failure(() => loadConfig(undefined, { [name]: raw }));
      expect(f?.code, `${name}=${raw}`).toBe('AW_INVALID_CONFIG');
      expect(f?.message).toMatch(expected);
    }
  });

  it('builds nested sections that the file does not have (SASL from the environment alone)', () => {
    const { config } = loadConfig(undefined, {
      AGENTWATCH_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      AGENTWATCH_KAFKA_SASL_USERNAME: 'agentwatch',
      AGENTWATCH_KAFKA_SASL_PASSWORD: 's3cr3t-pa55',
    });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'agentwatch', password: 's3cr3t-pa55' });
    const bad = failure(() =>
      loadConfig(undefined, { AGENTWATCH_KAFKA_SASL_MECHANISM: 'kerberos', AGENTWATCH_KAFKA_SASL_USERNAME: 'u', AGENTWATCH_KAFKA_SASL_PASSWORD: 'p' }),
    );
    expect(bad?.code).toBe('AW_INVALID_CONFIG');
    expect(bad?.message).toMatch(/\/kafka\/sasl\/mechanism/);
  });

  it('ignores unset and empty variables, and AGENTWATCH_* names it does not know', () => {
    const defaults = loadConfig(undefined, {}).config;
    expect(loadConfig(undefined, { AGENTWATCH_KAFKA_BROKERS: '', AGENTWATCH_TOPIC_INPUT: '', AGENTWATCH_NOT_A_SETTING: 'x' }).config).toEqual(defaults);
  });

  it('wins over the config file, which keeps every value the environment does not set', () => {
    const file = configFile(
      'kafka:\n  brokers: [file-broker:9092]\n  groupId: from-file\n  topics:\n    input: file-input\n    alerts: file-alerts\nrun:\n  flushIntervalMs: 1000\n',
    );
    const { config } = loadConfig(file, {
      AGENTWATCH_KAFKA_BROKERS: 'env-1:9092,env-2:9092',
      AGENTWATCH_TOPIC_INPUT: 'env-input',
      AGENTWATCH_FLUSH_INTERVAL_MS: '7000',
    });
    expect(config.kafka.brokers).toEqual(['env-1:9092', 'env-2:9092']);
    expect(config.kafka.topics.input).toBe('env-input');
    expect(config.run.flushIntervalMs).toBe(7000);
    expect(config.kafka.groupId).toBe('from-file');
    expect(config.kafka.topics.alerts).toBe('file-alerts');
    expect(config.kafka.topics.deadLetter).toBe('agent-audit-events.dlq'); // neither: the default
    // Without the environment, the file's values.
    expect(loadConfig(file, {}).config.kafka.brokers).toEqual(['file-broker:9092']);
  });

  it('applies on top of a parsed value without touching what it does not set', () => {
    const value = { kafka: { clientId: 'x' }, engine: { cooldownMs: 5 } };
    expect(applyEnvOverrides(value, { AGENTWATCH_TOPIC_ALERTS: 'a' })).toEqual({
      kafka: { clientId: 'x', topics: { alerts: 'a' } },
      engine: { cooldownMs: 5 },
    });
  });
});

describe('redactConfig', () => {
  const secret = 'pa55-W0rd-that-must-not-leak';

  it('masks the SASL password, in the copy only, and JSON of it never shows the secret', () => {
    const { config } = loadConfig(undefined, {
      AGENTWATCH_KAFKA_SASL_MECHANISM: 'plain',
      AGENTWATCH_KAFKA_SASL_USERNAME: 'agentwatch',
      AGENTWATCH_KAFKA_SASL_PASSWORD: secret,
    });
    const redacted = redactConfig(config);
    expect(redacted.kafka.sasl?.password).toBe('[redacted]');
    expect(redacted.kafka.sasl?.username).toBe('agentwatch');
    expect(JSON.stringify(redacted)).not.toContain(secret);
    expect(JSON.stringify(redacted, null, 2)).not.toContain(secret);
    expect(config.kafka.sasl?.password).toBe(secret); // the live config is untouched
    expect({ ...redacted, kafka: { ...redacted.kafka, sasl: undefined } }).toEqual({ ...config, kafka: { ...config.kafka, sasl: undefined } });
  });

  it('masks every variable whose config path the schema marks secret', () => {
    const env: NodeJS.ProcessEnv = { AGENTWATCH_KAFKA_SASL_MECHANISM: 'plain', AGENTWATCH_KAFKA_SASL_USERNAME: 'u', AGENTWATCH_KAFKA_SASL_PASSWORD: 'p' };
    const secrets = ENV_OVERRIDES.filter((o) => isSecretConfigPath(o.path));
    expect(secrets.map((o) => o.env).sort()).toEqual(['AGENTWATCH_KAFKA_SASL_PASSWORD', 'AGENTWATCH_METRICS_TOKEN']);
    for (const o of secrets) env[o.env] = `${secret}-${o.env}`;
    const json = JSON.stringify(redactConfig(loadConfig(undefined, env).config));
    for (const o of secrets) expect(json, o.env).not.toContain(`${secret}-${o.env}`);
  });

  it('leaves a config without secrets as it is', () => {
    const { config } = loadConfig(undefined, {});
    expect(redactConfig(config)).toEqual(config);
  });
});
