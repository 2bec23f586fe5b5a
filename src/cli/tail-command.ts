import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { Alert } from '../core/alerts/alert.js';
import { AgentwatchError, InputNotFoundError } from '../core/errors.js';
import { createKafka, kafkaUnavailable } from '../kafka/kafka-client.js';
import { ConsoleSink } from '../sinks/console-sink.js';
import { numberOption } from './cli-checks.js';
import { outputColumns, shortenArns } from './terminal-text.js';

export interface TailOptions {
  config?: string;
  topic?: string;
  fromBeginning?: boolean;
  json?: boolean;
  /** Stop after this many alert messages. */
  count?: string;
  /** Only the opening message of each incident. */
  openOnly?: boolean;
}

/**
 * Follows the alerts topic and prints each alert message as it arrives, until Ctrl-C (or --count):
 * a way to watch a live deployment without installing a Kafka client.
 */
export async function runTail(opts: TailOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { config } = loadConfig(opts.config);
  const count = numberOption('--count', opts.count, { min: 1, integer: true });
  const topic = opts.topic ?? config.kafka.topics.alerts;
  const kafka = createKafka(config.kafka, { clientId: `${config.kafka.clientId}-tail` });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      throw new InputNotFoundError(`topic ${topic} does not exist on ${config.kafka.brokers.join(',')} yet: \`agentwatch run\` creates it when it starts`);
    }
  } catch (err) {
    if (err instanceof AgentwatchError) throw err;
    throw kafkaUnavailable(config.kafka, err, 'read the alerts topic from');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  // As `npm start` prints them: ARNs without account prefixes; `--json` has every byte.
  const console = new ConsoleSink(out, undefined, 'tail', { columns: outputColumns(out), shorten: shortenArns });
  // A group of its own each time: a tail never takes partitions (or offsets) from another reader.
  const consumer = kafka.consumer({ groupId: `${config.kafka.clientId}-tail-${randomUUID().slice(0, 8)}` });
  let printed = 0;
  let stop = () => {};
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: Boolean(opts.fromBeginning) });
    await new Promise<void>((resolve, reject) => {
      stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (count !== undefined && printed >= count) return;
            const text = message.value?.toString('utf8') ?? '';
            if (opts.json) {
              out.write(`${text}\n`);
            } else {
              let alert: Alert;
              try {
                alert = JSON.parse(text) as Alert;
              } catch {
                out.write(`(not an alert: ${text.slice(0, 80)})\n`);
                return;
              }
              if (opts.openOnly && (alert.status === 'update' || alert.status === 'resolved')) return;
              console.write(alert);
            }
            printed++;
            if (count !== undefined && printed >= count) stop();
          },
        })
        .catch(reject);
    });
  } catch (err) {
    if (err instanceof AgentwatchError) throw err;
    throw kafkaUnavailable(config.kafka, err, 'read the alerts topic from');
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await consumer.disconnect().catch(() => undefined);
  }
  return printed;
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('Follow the alerts topic (kafka.topics.alerts) and print each alert as it arrives, one line each, until Ctrl-C.')
    .option('-c, --config <file>', 'configuration file (the kafka section); AGENTWATCH_* variables override it')
    .option('-t, --topic <topic>', 'topic to follow (default: kafka.topics.alerts, agentwatch-alerts)')
    .option('--from-beginning', 'print the alerts already on the topic first')
    .option('--open-only', 'only the opening message of each incident (not its updates and resolution)')
    .option('--json', 'each alert as its JSON line, unchanged')
    .option('-n, --count <n>', 'stop after this many alerts')
    .addHelpText(
      'after',
      '\nExample:\n  npx agentwatch tail --from-beginning\n  AGENTWATCH_KAFKA_BROKERS=kafka-1:9092 npx agentwatch tail --json | jq .summary',
    )
    .action(async (opts: TailOptions) => {
      await runTail(opts);
    });
}
