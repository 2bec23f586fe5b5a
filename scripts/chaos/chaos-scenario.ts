import type { Kafka } from 'kafkajs';
import type { Config } from '../../src/config/config-schema.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import type { ChaosBroker } from './chaos-broker.js';
import { RunInstance } from './chaos-instance.js';
import { type Outcome, collectOutcome, topicSize } from './chaos-kafka.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  ok: boolean;
  checks: Check[];
  /** Measurements worth a line in RELIABILITY.md (restarts, exit times, restore times…). */
  numbers: Record<string, number | string>;
  ms: number;
}

export interface ChaosContext {
  broker: ChaosBroker;
  /** Scratch folder of this run. */
  dir: string;
  /** Shortened form (inside `npm test`). */
  quick: boolean;
  /** Run the built CLI (dist/) instead of the sources through tsx. */
  dist: boolean;
  log: (msg: string) => void;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function kafkaFor(config: Config): Kafka {
  return createKafka(config.kafka, { clientId: 'agentwatch-chaos', quiet: [/./], retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 3000 } });
}

export function instance(ctx: ChaosContext, name: string, configFile: string, extraArgs: string[] = []): RunInstance {
  return new RunInstance(name, ['--config', configFile, ...extraArgs], { ...process.env, AGENTWATCH_KAFKA_BROKERS: ctx.broker.brokers }, ctx.dist);
}

/**
 * The rule every fault scenario is judged by (issue 12): every alert id of the reference run
 * reaches the alerts topic at least once (`exact`: and no other), and every input message is in
 * an agent's state or on the dead-letter topic, once.
 */
export async function judge(
  kafka: Kafka,
  config: Config,
  reference: Set<string>,
  opts: { exact?: boolean } = {},
): Promise<{ checks: Check[]; outcome: Outcome; input: number }> {
  const t = config.kafka.topics;
  const outcome = await collectOutcome(kafka, t, config.kafka.groupId);
  const input = await topicSize(kafka, t.input);
  const missing = [...reference].filter((id) => !outcome.alertIds.has(id));
  const extra = [...outcome.alertIds].filter((id) => !reference.has(id));
  const checks: Check[] = [
    {
      name: 'every reference alert on the alerts topic',
      ok: missing.length === 0,
      detail: `${reference.size - missing.length}/${reference.size}${missing.length ? `; missing ${missing.slice(0, 3).join(', ')}` : ''}`,
    },
    {
      name: 'every event once: in an agent’s state or dead-lettered',
      ok: outcome.stateEvents + outcome.deadLetters === input,
      detail: `${outcome.stateEvents} learned + ${outcome.deadLetters} dead letters = ${outcome.stateEvents + outcome.deadLetters} of ${input} input messages`,
    },
  ];
  if (opts.exact)
    checks.push({
      name: 'no alert the reference does not have',
      ok: extra.length === 0,
      detail: extra.length ? `${extra.length} extra, e.g. ${extra.slice(0, 3).join(', ')}` : 'none',
    });
  return { checks, outcome, input };
}

export function result(name: string, title: string, started: number, checks: Check[], numbers: Record<string, number | string>): ScenarioResult {
  return { name, title, ok: checks.every((c) => c.ok), checks, numbers, ms: Date.now() - started };
}
