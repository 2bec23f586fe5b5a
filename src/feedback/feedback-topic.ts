import { randomUUID } from 'node:crypto';
import { type Consumer, type Kafka, Partitioners } from 'kafkajs';
import type { Verdict } from '../core/feedback/verdict.js';
import { checkVerdict } from './verdict-file.js';

/** Publishes a verdict to the compacted feedback topic, keyed by alert id (the latest wins). */
export async function publishVerdict(kafka: Kafka, topic: string, verdict: Verdict): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: verdict.alertId, value: JSON.stringify(verdict) }] });
  } finally {
    await producer.disconnect();
  }
}

export interface FeedbackLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Reads the whole feedback topic, from the beginning, in every instance: a verdict is applied
 * by whichever instance holds its alert's agent, now or after a rebalance (kafkajs has no manual
 * assignment, so each instance uses a group of its own and never commits).
 */
export class FeedbackListener {
  private consumer: Consumer | undefined;
  rejected = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupPrefix: string,
    private readonly onVerdict: (verdict: Verdict) => Promise<void>,
    private readonly log: FeedbackLog,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `${this.groupPrefix}.feedback.${randomUUID()}`, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        if (message.value === null) return;
        let verdict: Verdict;
        try {
          verdict = checkVerdict(JSON.parse(message.value.toString('utf8')), `${this.topic}[${partition}]@${message.offset}`);
        } catch (err) {
          this.rejected++;
          this.log.warn('feedback message ignored', { error: (err as Error).message });
          return;
        }
        await this.onVerdict(verdict);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
