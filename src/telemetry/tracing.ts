import {
  ROOT_CONTEXT,
  type Context,
  type Span,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * Spans through @opentelemetry/api only. Until the operator registers an SDK (and with it a
 * propagator), the tracer and the propagator are the API's no-ops: no span is recorded, no header
 * read or written, at the cost of a few calls per batch.
 */
export function tracer(): Tracer {
  // Looked up per use rather than cached, so an SDK registered after import still gets the spans.
  return trace.getTracer('agentwatch');
}

/** Kafka header values are Buffers (or strings, or arrays of either). */
const headerGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const v = headers[key];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.map(String) : String(v);
  },
};

const headerSetter: TextMapSetter<IHeaders> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

/**
 * The W3C trace context a producer put on a message (`traceparent`, `tracestate`), through the
 * registered propagator; undefined when the message carries none (checked first: it is per message).
 */
export function contextFromHeaders(headers: IHeaders | undefined): Context | undefined {
  if (headers === undefined || headers['traceparent'] === undefined) return undefined;
  const ctx = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/** Writes the span's context into `headers` (`traceparent`, and `tracestate` when there is one). */
export function injectSpan(span: Span, headers: IHeaders): IHeaders {
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers, headerSetter);
  return headers;
}

/** The context whose active span is `span`: the parent of spans started under it. */
export function contextOf(span: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, span);
}

/** Ends the span, marked as failed with the exception when `err` is given. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  }
  span.end();
}
