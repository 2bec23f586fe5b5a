import type { Context, Span } from '@opentelemetry/api';
import type { KafkaMessage, Message, Producer } from 'kafkajs';
import type { Alert } from '../../core/alerts/alert.js';
import { messageChunks } from '../../kafka/changelog-writer.js';
import type { AlertRouter } from '../alert-router.js';
import { alertMessage } from './alert-message.js';
import type { PipelineMetrics } from '../../telemetry/pipeline-metrics.js';
import { endSpan, injectSpan } from '../../telemetry/tracing.js';
import { startAlertSpan, startDeliverySpan } from '../../telemetry/live-spans.js';

interface PendingAlert {
  message: Message;
  /** Ended when the alert is acknowledged; its context is in the message's `traceparent`. */
  span: Span;
  /** Kafka timestamp of the triggering message (for the event-to-alert latency). */
  sentAtMs: number;
}

/**
 * What one batch of `agentwatch run` sends: its alerts and dead letters, delivered together in
 * one request acknowledged by all in-sync replicas, with their spans and metrics.
 */
export class BatchOutbox {
  private readonly alerts: PendingAlert[] = [];
  private readonly deadLetters: Message[] = [];
  /** Writes to the routed sinks (delivery queues persisting): awaited before the batch counts as done. */
  private readonly sinkWrites: Promise<void>[] = [];
  /** Rejects of the batch by reason. */
  readonly rejected: Record<string, number> = {};

  constructor(
    private readonly topics: { alerts: string; deadLetter: string },
    private readonly metrics: PipelineMetrics,
    private readonly batchCtx: Context,
    /** Which messages go to the alerts topic, and the other sinks (`alerts.sinks`); none: all to the topic. */
    private readonly router?: AlertRouter,
    /** Bytes per produce request for each topic (from its max.message.bytes); unbounded when absent. */
    private readonly budgets: { alerts: number; deadLetters: number } = { alerts: Number.POSITIVE_INFINITY, deadLetters: Number.POSITIVE_INFINITY },
  ) {}

  /** Alert messages on the alerts topic: opening alerts, updates and resolutions. */
  get alertCount(): number {
    return this.alerts.length;
  }

  /** Opening alerts among them (new incidents). */
  openingCount = 0;

  get deadLetterCount(): number {
    return this.deadLetters.length;
  }

  /** An alert message whose trace context continues the triggering event's trace (or the batch's). */
  addAlert(alert: Alert, trigger?: KafkaMessage): void {
    const opening = alert.status === undefined || alert.status === 'open';
    if (opening) {
      this.openingCount++;
      this.metrics.alertRaised(alert.detector, alert.severity);
    }
    const pending = this.router?.write(alert);
    if (pending) {
      pending.catch(() => undefined);
      this.sinkWrites.push(pending);
    }
    if (this.router && !this.router.toKafka(alert)) return;
    const span = startAlertSpan(alert, trigger, this.batchCtx, this.topics.alerts);
    // Latency is event-to-alert: only an opening alert has a triggering event just consumed.
    this.alerts.push({ message: alertMessage(alert, injectSpan(span, {})), span, sentAtMs: opening && trigger ? Number(trigger.timestamp) : Number.NaN });
  }

  addDeadLetter(message: Message, reason: string): void {
    this.deadLetters.push(message);
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  /** Sends the batch's messages (acks=-1), then waits for its alerts to be queued by the other sinks. */
  async deliver(producer: Producer): Promise<void> {
    await this.send(producer);
    if (this.sinkWrites.length) await Promise.all(this.sinkWrites);
  }

  private async send(producer: Producer): Promise<void> {
    if (this.alerts.length === 0 && this.deadLetters.length === 0) return;
    const span = startDeliverySpan(this.alerts.length, this.deadLetters.length, this.batchCtx);
    try {
      // Requests bounded by bytes (issue 12): many large dead letters in one request broke the
      // topic's max.message.bytes and failed the batch for good. The common case is one request.
      const alertChunks = [
        ...messageChunks(
          this.alerts.map((a) => a.message),
          this.budgets.alerts,
        ),
      ];
      const letterChunks = [...messageChunks(this.deadLetters, this.budgets.deadLetters)];
      if (alertChunks.length <= 1 && letterChunks.length <= 1) {
        const sends: { topic: string; messages: Message[] }[] = [];
        if (alertChunks[0]) sends.push({ topic: this.topics.alerts, messages: alertChunks[0] });
        if (letterChunks[0]) sends.push({ topic: this.topics.deadLetter, messages: letterChunks[0] });
        await producer.sendBatch({ topicMessages: sends, acks: -1 });
      } else {
        for (const messages of alertChunks) await producer.send({ topic: this.topics.alerts, messages, acks: -1 });
        for (const messages of letterChunks) await producer.send({ topic: this.topics.deadLetter, messages, acks: -1 });
      }
    } catch (err) {
      this.metrics.sinkFailed('kafka');
      for (const a of this.alerts) endSpan(a.span, err);
      endSpan(span, err);
      throw err;
    }
    const now = Date.now();
    for (const a of this.alerts) {
      if (Number.isFinite(a.sentAtMs)) this.metrics.alertLatency((now - a.sentAtMs) / 1000);
      endSpan(a.span);
    }
    this.metrics.sinkDelivered('kafka', this.alerts.length);
    for (const [reason, n] of Object.entries(this.rejected)) this.metrics.deadLettered(reason, n);
    endSpan(span);
  }
}
