import { InvalidEventError, RejectReason } from '../../core/errors.js';
import { type RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { arr, isObject, obj } from '../record-fields.js';
import { GenAiOperation, mapToolSpan, operationOf } from './genai-tool-span.js';
import { attributesOf } from './otlp-attributes.js';

/** An OTLP/JSON trace export: ExportTraceServiceRequest, as the collector's file exporter writes one per line. */
export function isOtlpTraces(value: unknown): boolean {
  return isObject(value) && Array.isArray(value['resourceSpans']);
}

/** What one export held besides the tool calls: spans skipped by operation (chat, invoke_agent, non-GenAI…). */
export interface SpanTally {
  toolCalls: number;
  skipped: Map<string, number>;
}

/**
 * The audit events of one export: one per `execute_tool` span, an InvalidEventError in place of
 * a tool span that cannot be read. Every other span is skipped and tallied by operation: model
 * calls (`chat`, `text_completion`, `embeddings`, `generate_content`) act on no resource of the
 * organisation, and `invoke_agent` / `create_agent` / `invoke_workflow` wrap the tool calls
 * already counted — mapping them would only inflate rates.
 */
export function* otlpToolEvents(value: unknown, tally?: SpanTally): Iterable<RawAuditEvent | InvalidEventError> {
  if (!isOtlpTraces(value)) {
    yield new InvalidEventError(RejectReason.Schema, 'OTLP: not a trace export (no resourceSpans array)');
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
          yield new InvalidEventError(RejectReason.Schema, 'OTLP: a span must be a JSON object');
          continue;
        }
        const operation = operationOf(attributesOf(span['attributes']));
        if (operation !== GenAiOperation.ExecuteTool) {
          if (tally) {
            const key = operation ?? 'non-genai';
            tally.skipped.set(key, (tally.skipped.get(key) ?? 0) + 1);
          }
          continue;
        }
        try {
          yield mapToolSpan(span, resource);
          if (tally) tally.toolCalls++;
        } catch (err) {
          if (!(err instanceof InvalidEventError)) throw err;
          yield err;
        }
      }
    }
  }
}
