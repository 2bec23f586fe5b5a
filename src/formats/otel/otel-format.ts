import { type InvalidEventError } from '../../core/errors.js';
import { type RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { isOtlpTraces, otlpToolEvents } from './otlp-traces.js';

/** OpenTelemetry GenAI agent spans (OTLP/JSON): each execute_tool span is one event. See docs/formats.md. */
export const otelFormat = {
  name: 'otel',
  description: 'OpenTelemetry GenAI agent spans in OTLP/JSON: each execute_tool span is one audit event of the agent',
  detect: isOtlpTraces,
  toEvents(value: unknown): Iterable<RawAuditEvent | InvalidEventError> {
    return otlpToolEvents(value);
  },
} as const;
