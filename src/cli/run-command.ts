import { type Command } from 'commander';
import { type Logger } from 'pino';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { type Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { redactConfig } from '../config/env-overrides.js';
import { createKafka, kafkaUnavailable } from '../kafka/kafka-client.js';
import { LivePipeline } from '../pipeline/live-pipeline.js';
import { createLogger, pipelineLog } from '../telemetry/logger.js';
import { serveTelemetry } from '../telemetry/metrics-server.js';
import { PrometheusMetrics } from '../telemetry/prometheus-metrics.js';

export async function runLive(opts: { config?: string; baselines?: string }): Promise<void> {
  const { config } = loadConfig(opts.config);
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const baselines = baselinesDir ? loadBaselinesDir(baselinesDir).baselines : DeclaredBaselines.empty();
  const logger = createLogger();
  logger.info({ config: redactConfig(config) }, 'starting');
  const metrics = new PrometheusMetrics();
  // kafkajs warns that bounded retries weaken exactly-once; agentwatch is at-least-once by design.
  const kafka = createKafka(config.kafka, { quiet: [/Limiting retries for the idempotent producer/], onProducerRetry: () => metrics.sinkRetried('kafka') });
  const pipeline = new LivePipeline(kafka, config, baselines, pipelineLog(logger), { metrics });
  // Up before Kafka is reached, so /healthz answers (and /readyz says why not ready) meanwhile.
  const server = await serveTelemetry(config.telemetry, metrics.registry, () => pipeline.readiness(), pipelineLog(logger));
  try {
    await runUntilStopped(pipeline, config, logger);
  } finally {
    await server.close();
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
    await pipeline.start();
  } catch (err) {
    throw kafkaUnavailable(config.kafka, err, 'start on');
  }
  logger.info({ groupId: config.kafka.groupId, topic: config.kafka.topics.input }, 'running');
  await finished;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('The live service: audit events from Kafka in, alerts to Kafka out, baselines in a compacted changelog topic; /metrics, /healthz and /readyz on 127.0.0.1:9464 (telemetry.host/port).')
    .option('-c, --config <file>', 'configuration file (YAML or JSON); AGENTWATCH_* environment variables override it')
    .option('-b, --baselines <dir>', 'folder of declared baselines (*.yaml)')
    .addHelpText('after', '\nExample:\n  AGENTWATCH_KAFKA_BROKERS=kafka:9092 agentwatch run --baselines baselines/')
    .action(runLive);
}
