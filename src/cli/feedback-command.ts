import { type Command, Option } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { InvalidVerdictError } from '../core/errors.js';
import type { Verdict } from '../core/feedback/verdict.js';
import { publishVerdict } from '../feedback/feedback-topic.js';
import { appendVerdict, checkVerdict } from '../feedback/verdict-file.js';
import { createKafka, kafkaUnavailable } from '../kafka/kafka-client.js';
import { STDOUT, checkOutputPath } from './cli-checks.js';

interface FeedbackOptions {
  normal?: boolean;
  confirmed?: boolean;
  note?: string;
  by?: string;
  file?: string;
  config?: string;
}

export async function recordFeedback(alertId: string, opts: FeedbackOptions): Promise<Verdict> {
  if (opts.normal === opts.confirmed) {
    throw new InvalidVerdictError('say either --normal (expected behaviour: learn it, stop alerting on it) or --confirmed (a real incident: keep flagging it)');
  }
  const verdict = checkVerdict(
    {
      alertId,
      verdict: opts.normal ? 'normal' : 'confirmed',
      at: new Date().toISOString(),
      ...(opts.by && { by: opts.by }),
      ...(opts.note && { note: opts.note }),
    },
    'feedback',
  );
  if (opts.file === STDOUT) {
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    return verdict;
  }
  if (opts.file) {
    checkOutputPath(opts.file, '--file');
    appendVerdict(opts.file, verdict);
    process.stderr.write(`agentwatch: ${verdict.verdict} verdict on ${alertId} appended to ${opts.file} (replay with --feedback ${opts.file})\n`);
    return verdict;
  }
  const { config } = loadConfig(opts.config);
  const kafka = createKafka(config.kafka, { clientId: `${config.kafka.clientId}-feedback` });
  try {
    await publishVerdict(kafka, config.kafka.topics.feedback, verdict);
  } catch (err) {
    throw kafkaUnavailable(config.kafka, err, 'publish the verdict to');
  }
  process.stderr.write(`agentwatch: ${verdict.verdict} verdict on ${alertId} published to ${config.kafka.topics.feedback}\n`);
  return verdict;
}

export function registerFeedbackCommand(program: Command): void {
  program
    .command('feedback')
    .description(
      "Record an analyst's verdict on an alert. --normal teaches the agent's baseline (the resource, permission, place or hour becomes known; a rate becomes expected) and suppresses the same pattern; --confirmed keeps it flagged (a first use is unlearned). Live: published to the feedback topic; for replay: appended to a file given to `replay --feedback`.",
    )
    .argument('<alert-id>', 'the alert `id` (the same for every message of its incident)')
    .addOption(new Option('--normal', 'expected behaviour: learn it and stop alerting on the same pattern').conflicts('confirmed'))
    .addOption(new Option('--confirmed', 'a real incident: keep flagging the same pattern').conflicts('normal'))
    .option('--note <text>', 'why (kept with the verdict)')
    .option('--by <name>', 'who decided')
    .option('-f, --file <feedback.jsonl>', 'append to this file instead of publishing to Kafka (- prints the verdict line)')
    .option('-c, --config <file>', 'configuration file (Kafka brokers and the feedback topic); AGENTWATCH_* variables override it')
    .addHelpText(
      'after',
      '\nExamples:\n  agentwatch feedback 5f0c…e1 --normal --note "nightly export" --by alice\n  agentwatch feedback 5f0c…e1 --confirmed --file feedback.jsonl && agentwatch replay logs.jsonl --feedback feedback.jsonl -o alerts.jsonl',
    )
    .action(async (alertId: string, opts: FeedbackOptions) => {
      await recordFeedback(alertId, opts);
    });
}
