import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { AlertmanagerAuthConfig, AlertmanagerSinkConfig } from './alertmanager-sink-config-schema.js';
import { type DeliveryError, InvalidConfigError } from '../../core/errors.js';
import { prometheusReloadMetrics } from '../../telemetry/reload-metrics.js';
import { prometheusAlertmanagerMetrics } from './alertmanager-metrics.js';
import { type AlertmanagerAuth, AlertmanagerTarget } from './alertmanager-target.js';

export interface AlertmanagerTargetContext {
  /** Folder of the config file: `caFile` is relative to it (default: the working directory). */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the sink's own metrics go (none: not measured). */
  registry?: Registry;
  onResendError?: (err: DeliveryError) => void;
  /** The sink's own folder (its queue's): the open alerts are remembered there across restarts. */
  stateDir?: string;
  warn?: (msg: string) => void;
  /** The engine's incident timing, for the default maxSilenceMs. */
  engine?: { cooldownMs: number; episodes: { updateIntervalMs: number } };
}

const HOUR = 3_600_000;

/** maxSilenceMs as configured, else twice the longest an open incident can go without a message. */
export function maxSilenceMs(config: AlertmanagerSinkConfig, engine: AlertmanagerTargetContext['engine']): number {
  if (config.maxSilenceMs !== undefined) return config.maxSilenceMs;
  return engine ? Math.max(HOUR, 2 * (engine.cooldownMs + engine.episodes.updateIntervalMs)) : 2 * HOUR;
}

function secret(sink: string, key: string, value: string | undefined, envName: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (value !== undefined && envName !== undefined) throw new InvalidConfigError(`alerts.sinks ${sink}: auth.${key} and auth.${key}Env are exclusive`);
  if (envName === undefined) return value;
  const fromEnv = env[envName];
  if (!fromEnv) throw new InvalidConfigError(`alerts.sinks ${sink}: auth.${key}Env names ${envName}, which is not set`);
  return fromEnv;
}

/** Basic or bearer credentials with the *Env indirections resolved; exactly one kind. */
export function resolveAlertmanagerAuth(
  sink: string,
  auth: AlertmanagerAuthConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AlertmanagerAuth | undefined {
  if (!auth) return undefined;
  const password = secret(sink, 'password', auth.password, auth.passwordEnv, env);
  const bearerToken = secret(sink, 'bearerToken', auth.bearerToken, auth.bearerTokenEnv, env);
  if (bearerToken !== undefined && (auth.username !== undefined || password !== undefined)) {
    throw new InvalidConfigError(`alerts.sinks ${sink}: auth is basic (username, password) or a bearer token, not both`);
  }
  if (bearerToken !== undefined) return { bearerToken };
  if (auth.username === undefined || password === undefined) {
    throw new InvalidConfigError(`alerts.sinks ${sink}: basic auth needs auth.username and auth.password (or auth.passwordEnv)`);
  }
  return { username: auth.username, password };
}

/** In the sink's folder: the open alerts it keeps firing (open-alerts-journal.ts). */
export const OPEN_ALERTS_FILE = 'alertmanager-open.jsonl';

/** The `alertmanager` sink of `alerts.sinks` as a delivery target. */
export function alertmanagerTargetFromConfig(config: AlertmanagerSinkConfig, ctx: AlertmanagerTargetContext = {}): AlertmanagerTarget {
  const env = ctx.env ?? process.env;
  const auth = resolveAlertmanagerAuth(config.name, config.auth, env);
  let ca: string | undefined;
  if (config.caFile !== undefined) {
    const path = resolve(ctx.configDir ?? '.', config.caFile);
    try {
      ca = readFileSync(path, 'utf8');
      new X509Certificate(ca); // a typo'd file fails here, not at the first https request
    } catch (cause) {
      throw new InvalidConfigError(`alerts.sinks ${config.name}: cannot use caFile ${path}: ${(cause as Error).message}`, { cause });
    }
  }
  return new AlertmanagerTarget({
    name: config.name,
    url: config.url,
    resendIntervalMs: config.resendIntervalMs,
    maxOpenAlerts: config.maxOpenAlerts,
    maxSilenceMs: maxSilenceMs(config, ctx.engine),
    timeoutMs: config.timeoutMs,
    headers: config.headers,
    ...(config.generatorUrl !== undefined && { generatorUrl: config.generatorUrl }),
    ...(auth && { auth }),
    ...(ca !== undefined && { ca }),
    ...(ctx.registry && { metrics: prometheusAlertmanagerMetrics(ctx.registry, config.name) }),
    ...(ctx.registry && { reloadMetrics: prometheusReloadMetrics(ctx.registry) }),
    ...(ctx.onResendError && { onResendError: ctx.onResendError }),
    ...(ctx.stateDir !== undefined && { stateFile: join(ctx.stateDir, OPEN_ALERTS_FILE) }),
    ...(ctx.warn && { warn: ctx.warn }),
  });
}
