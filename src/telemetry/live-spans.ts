import { type Context, type Link, type Span, SpanKind, propagation, trace } from '@opentelemetry/api';
import type { Batch, KafkaMessage } from 'kafkajs';
import type { Alert } from '../core/alerts/alert.js';
import { contextFromHeaders, tracer } from './tracing.js';

/**
 * The spans of `agentwatch run`, named and attributed in one place (OpenTelemetry messaging
 * conventions where they apply): a batch, each alert, the delivery of a batch's alerts and dead
 * letters, a baseline flush. No-ops until an SDK is registered.
 */

/** Span links per batch span: the producers' contexts of its first messages that carry one. */
const MAX_SPAN_LINKS = 128;

/** A batch links to the traces of its messages' producers (a batch has many parents, so links, not a parent). */
export function startBatchSpan(batch: Batch): Span {
  const links: Link[] = [];
  // Without a registered propagator no header can yield a context: no scan of every message (issue 16, item 4).
  const messages = propagation.fields().length > 0 ? batch.messages : [];
  for (const m of messages) {
    if (links.length >= MAX_SPAN_LINKS) break;
    const ctx = contextFromHeaders(m.headers);
    const spanContext = ctx && trace.getSpanContext(ctx);
    if (spanContext) links.push({ context: spanContext });
  }
  return tracer().startSpan('agentwatch.batch', {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': batch.topic,
      'messaging.destination.partition.id': String(batch.partition),
      'messaging.batch.message_count': batch.messages.length,
    },
  });
}

/**
 * One alert, from its detection to its acknowledgement: a child of the triggering event's trace
 * when the message carried one (the agent's own trace reaches the SOC), else of the batch.
 */
/** Continues the triggering event's trace when there is one (a resolution has none: the batch's). */
export function startAlertSpan(alert: Alert, message: KafkaMessage | undefined, batchCtx: Context, topic: string): Span {
  return tracer().startSpan(
    'agentwatch.alert',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'agentwatch.alert.id': alert.id,
        'agentwatch.detector': alert.detector,
        'agentwatch.severity': alert.severity,
        'agentwatch.agent.id': alert.agentId,
        'agentwatch.event.id': alert.eventId,
      },
    },
    (message && contextFromHeaders(message.headers)) ?? batchCtx,
  );
}

export function startDeliverySpan(alerts: number, deadLetters: number, batchCtx: Context): Span {
  return tracer().startSpan(
    'agentwatch.deliver',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.batch.message_count': alerts + deadLetters,
        'agentwatch.alerts': alerts,
        'agentwatch.dead_letters': deadLetters,
      },
    },
    batchCtx,
  );
}

/** A root span: flushes run on a timer as well as after batches, and cover every partition. */
export function startFlushSpan(topic: string): Span {
  return tracer().startSpan('agentwatch.baseline.flush', {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic },
  });
}
