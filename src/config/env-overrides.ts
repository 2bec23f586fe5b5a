import { InvalidConfigError } from '../core/errors.js';

type Kind = 'string' | 'list' | 'boolean' | 'integer';

/**
 * Environment variables that override the config file (twelve-factor; how secrets should
 * arrive). Each names the config path it sets; which are secrets, the schema says (secret-fields.ts).
 */
export const ENV_OVERRIDES: readonly { env: string; path: readonly string[]; kind: Kind }[] = [
  { env: 'AGENTWATCH_KAFKA_BROKERS', path: ['kafka', 'brokers'], kind: 'list' },
  { env: 'AGENTWATCH_KAFKA_CLIENT_ID', path: ['kafka', 'clientId'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_GROUP_ID', path: ['kafka', 'groupId'], kind: 'string' },
  { env: 'AGENTWATCH_TOPIC_INPUT', path: ['kafka', 'topics', 'input'], kind: 'string' },
  { env: 'AGENTWATCH_TOPIC_ALERTS', path: ['kafka', 'topics', 'alerts'], kind: 'string' },
  { env: 'AGENTWATCH_TOPIC_DLQ', path: ['kafka', 'topics', 'deadLetter'], kind: 'string' },
  { env: 'AGENTWATCH_TOPIC_BASELINES', path: ['kafka', 'topics', 'baselines'], kind: 'string' },
  { env: 'AGENTWATCH_TOPIC_FEEDBACK', path: ['kafka', 'topics', 'feedback'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SSL', path: ['kafka', 'ssl', 'enabled'], kind: 'boolean' },
  { env: 'AGENTWATCH_KAFKA_SSL_CA_FILE', path: ['kafka', 'ssl', 'caFile'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SSL_CERT_FILE', path: ['kafka', 'ssl', 'certFile'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SSL_KEY_FILE', path: ['kafka', 'ssl', 'keyFile'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SASL_MECHANISM', path: ['kafka', 'sasl', 'mechanism'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SASL_USERNAME', path: ['kafka', 'sasl', 'username'], kind: 'string' },
  { env: 'AGENTWATCH_KAFKA_SASL_PASSWORD', path: ['kafka', 'sasl', 'password'], kind: 'string' },
  { env: 'AGENTWATCH_BASELINES_DIR', path: ['baselinesDir'], kind: 'string' },
  { env: 'AGENTWATCH_FLUSH_INTERVAL_MS', path: ['run', 'flushIntervalMs'], kind: 'integer' },
  { env: 'AGENTWATCH_METRICS_HOST', path: ['telemetry', 'host'], kind: 'string' },
  { env: 'AGENTWATCH_METRICS_PORT', path: ['telemetry', 'port'], kind: 'integer' },
  { env: 'AGENTWATCH_METRICS_TOKEN', path: ['telemetry', 'bearerToken'], kind: 'string' },
];

function convert(name: string, raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new InvalidConfigError(`${name}="${raw}" is not a boolean (use true or false)`);
    case 'integer': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new InvalidConfigError(`${name}="${raw}" is not an integer`);
      return n;
    }
  }
}

/** Applies the environment on top of a parsed config value (before validation). */
export function applyEnvOverrides(value: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  for (const o of ENV_OVERRIDES) {
    const raw = env[o.env];
    if (raw === undefined || raw === '') continue;
    let node = value;
    for (const key of o.path.slice(0, -1)) {
      const next = node[key];
      node = (next && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
    }
    node[o.path[o.path.length - 1] as string] = convert(o.env, raw, o.kind);
  }
  return value;
}
