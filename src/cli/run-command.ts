import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import type { Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { redactConfig } from '../config/secret-fields.js';
import { AgentwatchError } from '../core/errors.js';
import { seedChangelog } from '../kafka/changelog-seed.js';
import { ensureTopics } from '../kafka/ensure-topics.js';
import { createKafka, kafkaUnavailable } from '../kafka/kafka-client.js';
import { FORMAT_CHOICES, resolveFormatChoice } from '../formats/format-registry.js';
import { LivePipeline } from '../pipeline/live-pipeline.js';
import { buildAlertRouter } from '../sinks/sink-registry.js';
import { createLogger, pipelineLog } from '../telemetry/logger.js';
import { serveTelemetry } from '../telemetry/metrics-server.js';
import { PrometheusMetrics } from '../telemetry/prometheus-metrics.js';
import type { StateEnvelope } from '../state/state-envelope.js';
import { loadWarmState } from '../state/warm-start.js';

export async function runLive(opts: { config?: string; baselines?: string; state?: string; format?: string }): Promise<void> {
  const { config, file: configFile } = loadConfig(opts.config);
  if (opts.format !== undefined) {
    resolveFormatChoice(opts.format);
    config.input.format = opts.format as Config['input']['format'];
  }
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const loaded = baselinesDir ? loadBaselinesDir(baselinesDir) : undefined;
  const baselines = loaded?.baselines ?? DeclaredBaselines.empty();
  // Read before anything connects: a wrong file is reported at once.
  const warm = opts.state ? loadWarmState(opts.state, config, loaded?.document) : undefined;
  const logger = createLogger();
  logger.info({ config: redactConfig(config) }, 'starting');
  for (const w of warm?.warnings ?? []) logger.warn(w);
  const metrics = new PrometheusMetrics();
  // kafkajs warns that bounded retries weaken exactly-once; agentwatch is at-least-once by design.
  const r = config.kafka.retry;
  const kafka = createKafka(config.kafka, {
    logger: logger.child({ component: 'kafka' }),
    quiet: [/Limiting retries for the idempotent producer/],
    onProducerRetry: () => metrics.sinkRetried('kafka'),
    retry: { retries: r.retries, initialRetryTime: r.initialRetryTimeMs, maxRetryTime: r.maxRetryTimeMs },
  });
  // Sinks of alerts.sinks (default: the alerts topic only); their queues re-send what a previous run left.
  const router = await buildAlertRouter({
    config,
    mode: 'run',
    baseDir: configFile ? dirname(configFile) : process.cwd(),
    env: process.env,
    metrics,
    registry: metrics.registry,
    log: pipelineLog(logger),
  });
  const pipeline = new LivePipeline(kafka, config, baselines, pipelineLog(logger), { metrics, router, reload: metrics.reload });
  // Up before Kafka is reached, so /healthz answers (and /readyz says why not ready) meanwhile.
  const server = await serveTelemetry(config.telemetry, metrics.registry, () => pipeline.readiness(), pipelineLog(logger));
  try {
    if (warm) await seedFrom(warm.state, opts.state as string, kafka, config, logger);
    await runUntilStopped(pipeline, config, logger);
  } finally {
    // After the last commit: delivery queues drain for alerts.queue.drainTimeoutMs, the rest stays on disk.
    await router.close();
    await server.close();
    // Nothing may keep a stopped or crashed service alive (issue 12: kafkajs's and our timers
    // kept a crashed consumer's process up for minutes, and no orchestrator restarted it).
    setTimeout(() => process.exit(), 3_000).unref();
  }
}

/** Warm start: the state's agents into the changelog (those it lacks), before this instance joins the group and restores. */
async function seedFrom(state: StateEnvelope, file: string, kafka: ReturnType<typeof createKafka>, config: Config, logger: Logger): Promise<void> {
  const k = config.kafka;
  try {
    if (k.createTopics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, k);
      } finally {
        await admin.disconnect();
      }
    }
    const r = await seedChangelog(kafka, k.topics, state.engine.agents, k.groupId);
    logger.info(
      {
        state: file,
        seeded: r.seeded,
        alreadyPresent: r.alreadyPresent,
        trimmed: r.trimmed,
        requests: r.requests,
        partitions: r.inputPartitions,
        lastEventTime: state.lastEventTime,
        ms: Math.round(r.ms),
      },
      'changelog seeded from state',
    );
  } catch (err) {
    if (err instanceof AgentwatchError) throw err;
    throw kafkaUnavailable(k, err, 'seed the changelog on');
  }
}

async function runUntilStopped(pipeline: LivePipeline, config: Config, logger: Logger): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing the batch, flushing baselines, committing');
      setTimeout(() => {
        logger.error({ timeoutMs: config.run.shutdownTimeoutMs }, 'shutdown timed out');
        process.exit(1);
      }, config.run.shutdownTimeoutMs).unref();
      pipeline.stop().then(resolve, reject);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    pipeline.running.catch(reject);
  });
  try {
    await Promise.race([pipeline.start(), pipeline.running]);
  } catch (err) {
    if (err instanceof AgentwatchError) throw err;
    throw kafkaUnavailable(config.kafka, err, 'start on');
  }
  logger.info({ groupId: config.kafka.groupId, topic: config.kafka.topics.input }, 'running');
  await finished;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'The live service: audit events from Kafka in, alerts to Kafka out (or the sinks of alerts.sinks: webhooks, Slack, Teams, Alertmanager, files), baselines in a compacted changelog topic; /metrics, /healthz and /readyz on 127.0.0.1:9464 (telemetry.host/port).',
    )
    .option('-c, --config <file>', 'configuration file (YAML or JSON); AGENTWATCH_* environment variables override it')
    .option('-b, --baselines <dir>', 'folder of declared baselines (*.yaml)')
    .option(
      '--format <name>',
      `log format of the input messages: ${FORMAT_CHOICES.join(', ')} (default: input.format; auto = recognised per message). Other formats than native may hold several events per message`,
    )
    .option(
      '--state <file>',
      'warm start: before joining the group, seed the changelog topic with the agents of this state file (replay --save-state) that it does not have yet; never overwrites what the deployment learned',
    )
    .addHelpText(
      'after',
      '\nExample:\n  AGENTWATCH_KAFKA_BROKERS=kafka:9092 agentwatch run --baselines baselines/\n  agentwatch run --baselines baselines/ --state march.state.json.gz\n  agentwatch run --format cloudtrail --baselines baselines/packs/aws   # CloudTrail records from EventBridge',
    )
    .action(runLive);
}
