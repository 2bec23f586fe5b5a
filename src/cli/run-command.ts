import { type Command } from 'commander';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { loadConfig } from '../config/load-config.js';
import { redactConfig } from '../config/env-overrides.js';
import { createKafka, kafkaUnavailable } from '../kafka/kafka-client.js';
import { LivePipeline } from '../pipeline/live-pipeline.js';
import { createLogger, pipelineLog } from '../telemetry/logger.js';

export async function runLive(opts: { config?: string; baselines?: string }): Promise<void> {
  const { config } = loadConfig(opts.config);
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const baselines = baselinesDir ? loadBaselinesDir(baselinesDir).baselines : DeclaredBaselines.empty();
  const logger = createLogger();
  logger.info({ config: redactConfig(config) }, 'starting');
  // kafkajs warns that bounded retries weaken exactly-once; agentwatch is at-least-once by design.
  const kafka = createKafka(config.kafka, { quiet: [/Limiting retries for the idempotent producer/] });
  const pipeline = new LivePipeline(kafka, config, baselines, pipelineLog(logger));
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
    .description('The live service: audit events from Kafka in, alerts to Kafka out, baselines in a compacted changelog topic.')
    .option('-c, --config <file>', 'configuration file (YAML or JSON); AGENTWATCH_* environment variables override it')
    .option('-b, --baselines <dir>', 'folder of declared baselines (*.yaml)')
    .addHelpText('after', '\nExample:\n  AGENTWATCH_KAFKA_BROKERS=kafka:9092 agentwatch run --baselines baselines/')
    .action(runLive);
}
