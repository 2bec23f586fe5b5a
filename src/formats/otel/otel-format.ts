import type { InvalidEventError } from '../../core/errors.js';
import { FormatName, type LogFormat, type NativeEventInput, type SkippedRecord } from '../log-format.js';
import { isOtlpTraces, otlpToolEvents } from './otlp-traces.js';

/** OpenTelemetry GenAI agent spans (OTLP/JSON): each execute_tool span is one event. See docs/formats.md. */
export const otelFormat: LogFormat = {
  name: FormatName.Otel,
  description: 'OpenTelemetry GenAI agent spans in OTLP/JSON: each execute_tool span is one audit event of the agent',
  detect: isOtlpTraces,
  toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError | SkippedRecord> {
    return otlpToolEvents(value);
  },
};
