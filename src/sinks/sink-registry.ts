import { isAbsolute, join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config-schema.js';
import type { AlertmanagerSinkConfig } from './alertmanager/alertmanager-sink-config-schema.js';
import type { FileSinkConfig, KafkaSinkConfig, SinkConfig, SinkType, StdoutSinkConfig, WebhookSinkConfig } from '../config/sinks-config-schema.js';
import { InvalidConfigError } from '../core/errors.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import type { AlertSink } from './alert-sink.js';
import { type AlertRoute, AlertRouter, RoutedSink } from './alert-router.js';
import { ConsoleSink } from './console-sink.js';
import { MemoryAlertStore } from './delivery/alert-store.js';
import { type DeliveryLog, DeliveryQueue, type RetrySettings } from './delivery/delivery-queue.js';
import type { DeliveryTarget } from './delivery/delivery-target.js';
import { FileSink } from './file-sink.js';
import { StdoutJsonSink } from './stdout-json-sink.js';

export interface SinkContext {
  config: Config;
  /** `run` (live) or `replay`: replay has no Kafka producer. */
  mode: 'run' | 'replay';
  /** Relative paths of the config (file paths, queue folder) resolve against it: the config file's folder. */
  baseDir: string;
  env: NodeJS.ProcessEnv;
  metrics: PipelineMetrics;
  /** The Prometheus registry, for sinks with metrics of their own (Alertmanager's re-sends). */
  registry?: Registry;
  log: DeliveryLog;
}

/** What one entry of `alerts.sinks` becomes: a sink, or the route of the Kafka topic. */
type Built = AlertSink | { kafka: AlertRoute };

interface SinkFactory<C extends SinkConfig> {
  create(config: C, where: string, ctx: SinkContext): Built | Promise<Built>;
}

/** The folder of delivery queues: alerts.queue.dir, else $AGENTWATCH_STATE_DIR/queue, else .agentwatch/queue. */
export function queueDir(ctx: Pick<SinkContext, 'config' | 'baseDir' | 'env'>): string {
  const configured = ctx.config.alerts.queue.dir;
  if (configured !== undefined) return isAbsolute(configured) ? configured : resolve(ctx.baseDir, configured);
  const state = ctx.env['AGENTWATCH_STATE_DIR'];
  return state ? resolve(state, 'queue') : resolve('.agentwatch', 'queue');
}

/** A remote target behind its delivery queue (persisted per alerts.queue). */
export async function queued(target: DeliveryTarget, retry: RetrySettings, ctx: SinkContext): Promise<DeliveryQueue> {
  const q = ctx.config.alerts.queue;
  const { AlertSpool } = await import('./delivery/alert-spool.js');
  const { prometheusReloadMetrics } = await import('../telemetry/reload-metrics.js');
  const store = q.persist
    ? await AlertSpool.open(join(queueDir(ctx), target.name), { warn: ctx.log.warn, ...(ctx.registry && { metrics: prometheusReloadMetrics(ctx.registry) }) })
    : new MemoryAlertStore();
  return new DeliveryQueue({
    target,
    store,
    maxAlerts: q.maxAlerts,
    maxBytes: q.maxBytes,
    drainTimeoutMs: q.drainTimeoutMs,
    retry,
    metrics: ctx.metrics,
    log: ctx.log,
  });
}

const kafka: SinkFactory<KafkaSinkConfig> = {
  create: (c) => ({ kafka: c }),
};

const stdout: SinkFactory<StdoutSinkConfig> = {
  create: (c) => (c.format === 'text' ? new ConsoleSink(process.stdout, undefined, c.name) : new StdoutJsonSink(c.name)),
};

const file: SinkFactory<FileSinkConfig> = {
  create: (c, _, ctx) => new FileSink(resolve(ctx.baseDir, c.path), c.name, true),
};

// Delivery targets are imported when configured: a replay without them starts without their
// dependencies (prom-client, TLS, crypto helpers; issue 16).
const webhook: SinkFactory<WebhookSinkConfig> = {
  create: async (c, where, ctx) => {
    const [{ webhookSecrets }, { WebhookTarget }] = await Promise.all([import('./webhook/webhook-secrets.js'), import('./webhook/webhook-target.js')]);
    const secrets = webhookSecrets(c, where, ctx.env);
    return queued(new WebhookTarget({ name: c.name, url: c.url, preset: c.preset, secrets, timeoutMs: c.timeoutMs, headers: c.headers }), c.retry, ctx);
  },
};

// Live, the open alerts it keeps firing are remembered in its queue folder across restarts; a
// replay's open incidents are left to expire.
const alertmanager: SinkFactory<AlertmanagerSinkConfig> = {
  create: async (c, _, ctx) =>
    queued(
      (await import('./alertmanager/alertmanager-target-from-config.js')).alertmanagerTargetFromConfig(c, {
        configDir: ctx.baseDir,
        env: ctx.env,
        ...(ctx.registry && { registry: ctx.registry }),
        ...(ctx.mode === 'run' && ctx.config.alerts.queue.persist && { stateDir: join(queueDir(ctx), c.name) }),
        engine: ctx.config.engine,
        onResendError: (e) => ctx.log.warn('alertmanager re-send failed', { sink: c.name, error: e.message }),
        warn: (msg) => ctx.log.warn(msg, { sink: c.name }),
      }),
      c.retry,
      ctx,
    ),
};

/** Every sink type of `alerts.sinks` and what builds it: the one place a new type is added. */
export const SINK_REGISTRY: { readonly [T in SinkType]: SinkFactory<Extract<SinkConfig, { type: T }>> } = { kafka, stdout, file, webhook, alertmanager };

/**
 * The router of a command: the sinks of `alerts.sinks` (absent: the Kafka topic in `run`, nothing
 * more in `replay`) plus `extra` ones from the command line (`replay --output`, `--print`).
 * Names must be unique (they are metric labels and queue folders).
 */
export async function buildAlertRouter(ctx: SinkContext, extra: readonly AlertSink[] = []): Promise<AlertRouter> {
  const configured = ctx.config.alerts.sinks;
  const metrics = ctx.metrics ?? noopPipelineMetrics;
  const sinks: RoutedSink[] = [];
  let kafkaRoute: AlertRoute | undefined =
    configured === undefined && ctx.mode === 'run' ? { minSeverity: 'low', detectors: [], statuses: ['open', 'update', 'resolved'] } : undefined;
  const taken = new Map<string, string>(extra.map((s) => [s.name, `the command line's ${s.name} sink`]));
  if (!taken.has('kafka')) taken.set('kafka', "the Kafka topic's metrics");
  try {
    for (const [i, c] of (configured ?? []).entries()) {
      const where = `alerts.sinks[${i}] (${c.name})`;
      if (c.type === 'kafka') {
        if (kafkaRoute !== undefined) throw new InvalidConfigError(`${where}: only one kafka sink (the alerts topic, kafka.topics.alerts) may be listed`);
      } else if (taken.has(c.name)) {
        throw new InvalidConfigError(`${where}: the name "${c.name}" is already used by ${taken.get(c.name)}; give each sink its own name`);
      }
      taken.set(c.name, where);
      const built = await (SINK_REGISTRY[c.type] as SinkFactory<SinkConfig>).create(c, where, ctx);
      if ('kafka' in built) {
        if (ctx.mode === 'replay') ctx.log.warn(`${where}: replay does not write to Kafka; this sink is skipped`);
        else kafkaRoute = built.kafka;
        continue;
      }
      sinks.push(new RoutedSink(built, c, metrics));
    }
  } catch (err) {
    await Promise.allSettled(sinks.map((s) => s.close()));
    throw err;
  }
  const all = [...extra.map((s) => new RoutedSink(s, { minSeverity: 'low', detectors: [], statuses: ['open', 'update', 'resolved'] }, metrics)), ...sinks];
  const router = new AlertRouter(all, kafkaRoute);
  metrics.declareSinks(router.names);
  return router;
}
