// A minimal OpenTelemetry tracer provider and W3C propagator for tests, over @opentelemetry/api
// alone. The SDK's in-memory exporter (@opentelemetry/sdk-trace-base) is not usable here: every
// release for Node 20 (2.x) has the peer dependency @opentelemetry/api <1.10, and this project
// depends on 1.10; the 3.x line that accepts 1.10 needs Node 22.15. This records what an SDK
// would export: name, kind, parent, links, attributes, status, and whether the span ended.
import { randomBytes } from 'node:crypto';
import {
  type Context, type Link, type Span, type SpanAttributeValue, type SpanAttributes, type SpanContext, SpanKind, type SpanOptions, type SpanStatus,
  SpanStatusCode, type TextMapGetter, type TextMapPropagator, type TextMapSetter, TraceFlags, type Tracer, type TracerProvider, isSpanContextValid, propagation, trace,
} from '@opentelemetry/api';

export class RecordedSpan implements Span {
  readonly attributes: SpanAttributes;
  readonly links: Link[];
  readonly parentSpanId: string | undefined;
  readonly parentTraceId: string | undefined;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  exceptions: unknown[] = [];
  ended = false;
  private readonly context: SpanContext;

  constructor(
    public name: string,
    readonly kind: SpanKind,
    options: SpanOptions,
    parent: SpanContext | undefined,
    private readonly onEnd: (span: RecordedSpan) => void,
  ) {
    this.attributes = { ...(options.attributes ?? {}) };
    this.links = [...(options.links ?? [])];
    this.parentSpanId = parent?.spanId;
    this.parentTraceId = parent?.traceId;
    this.context = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };
  }

  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: SpanAttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: SpanAttributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(link: Link): this {
    this.links.push(link);
    return this;
  }
  addLinks(links: Link[]): this {
    this.links.push(...links);
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: unknown): void {
    this.exceptions.push(exception);
  }
}

/** Collects ended spans, like the SDK's InMemorySpanExporter behind a SimpleSpanProcessor. */
export class RecordingTracerProvider implements TracerProvider {
  readonly finished: RecordedSpan[] = [];
  readonly started: RecordedSpan[] = [];

  getTracer(): Tracer {
    const startSpan = (name: string, options: SpanOptions = {}, ctx?: Context): Span => {
      const parentContext = ctx ? trace.getSpanContext(ctx) : undefined;
      const parent = parentContext && isSpanContextValid(parentContext) && !options.root ? parentContext : undefined;
      const span = new RecordedSpan(name, options.kind ?? SpanKind.INTERNAL, options, parent, (s) => this.finished.push(s));
      this.started.push(span);
      return span;
    };
    return {
      startSpan,
      startActiveSpan: ((name: string, ...rest: unknown[]) => {
        const fn = rest.pop() as (span: Span) => unknown;
        return fn(startSpan(name, rest[0] as SpanOptions | undefined, rest[1] as Context | undefined));
      }) as Tracer['startActiveSpan'],
    };
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` header (tracestate left out: the tests do not use it). */
export class W3CTraceparentPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(ctx);
    if (!sc || !isSpanContextValid(sc)) return;
    setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & TraceFlags.SAMPLED}`);
  }
  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, 'traceparent');
    const m = TRACEPARENT.exec((Array.isArray(raw) ? raw[0] : raw) ?? '');
    if (!m) return ctx;
    return trace.setSpanContext(ctx, { traceId: m[1] as string, spanId: m[2] as string, traceFlags: parseInt(m[3] as string, 16), isRemote: true });
  }
  fields(): string[] {
    return ['traceparent'];
  }
}

/** Registers both globally (what an operator's SDK set-up does); returns the provider and an undo. */
export function registerRecordingTracer(): { provider: RecordingTracerProvider; unregister: () => void } {
  const provider = new RecordingTracerProvider();
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceparentPropagator());
  return {
    provider,
    unregister: () => {
      trace.disable();
      propagation.disable();
    },
  };
}
