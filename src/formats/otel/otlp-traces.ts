import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { SkippedRecord } from '../log-format.js';
import { arr, isObject, obj } from '../record-fields.js';
import { GenAiOperation, mapToolSpan, operationOf } from './genai-tool-span.js';
import { attributesOf } from './otlp-attributes.js';

/** An OTLP/JSON trace export: ExportTraceServiceRequest, as the collector's file exporter writes one per line. */
export function isOtlpTraces(value: unknown): boolean {
  return isObject(value) && Array.isArray(value['resourceSpans']);
}

// Operations of the GenAI conventions: a skip reason is a metric label, so anything else is "other".
const KNOWN_OPERATIONS = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'invoke_agent',
  'create_agent',
  'invoke_workflow',
  'retrieval',
  'plan',
]);

function skipReason(operation: string | undefined): string {
  if (operation === undefined) return 'otel span without gen_ai.operation.name';
  return `otel ${KNOWN_OPERATIONS.has(operation) ? operation : 'other gen_ai operation'}`;
}

/**
 * The audit events of one export: one per `execute_tool` span, an InvalidEventError in place of
 * a tool span that cannot be read. Every other span is a SkippedRecord, its reason the operation:
 * model calls (`chat`, `text_completion`, `embeddings`, `generate_content`) act on no resource of
 * the organisation, and `invoke_agent` / `create_agent` / `invoke_workflow` wrap the tool calls
 * already counted — mapping them would only inflate rates.
 */
export function* otlpToolEvents(value: unknown): Iterable<RawAuditEvent | InvalidEventError | SkippedRecord> {
  if (!isOtlpTraces(value)) {
    yield new InvalidEventError(RejectReason.Unmapped, 'OTLP: not a trace export (no resourceSpans array)');
    return;
  }
  for (const rs of arr((value as Record<string, unknown>)['resourceSpans'])) {
    const resourceSpans = obj(rs);
    if (!resourceSpans) continue;
    const resource = attributesOf(obj(resourceSpans['resource'])?.['attributes']);
    // instrumentationLibrarySpans: the name before OTLP 0.15 (still written by old exporters).
    const scopes = [...arr(resourceSpans['scopeSpans']), ...arr(resourceSpans['instrumentationLibrarySpans'])];
    for (const scope of scopes) {
      for (const s of arr(obj(scope)?.['spans'])) {
        const span = obj(s);
        if (!span) {
          yield new InvalidEventError(RejectReason.Unmapped, 'OTLP: a span must be a JSON object');
          continue;
        }
        const operation = operationOf(attributesOf(span['attributes']));
        if (operation !== GenAiOperation.ExecuteTool) {
          yield new SkippedRecord(skipReason(operation));
          continue;
        }
        try {
          yield mapToolSpan(span, resource);
        } catch (err) {
          if (!(err instanceof InvalidEventError)) throw err;
          yield err;
        }
      }
    }
  }
}
