import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { Outcome } from '../../core/events/audit-event.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { type JsonObject, clip, num, obj, putAttr, str } from '../record-fields.js';
import { type Attributes, attrStr, attributesOf } from './otlp-attributes.js';

export const GenAiOperation = { ExecuteTool: 'execute_tool' } as const;

/** The span's gen_ai.operation.name, or `execute_tool` for a pre-1.31 tool span that names a tool but no operation. */
export function operationOf(attrs: Attributes): string | undefined {
  return attrStr(attrs, 'gen_ai.operation.name') ?? (attrs.has('gen_ai.tool.name') ? GenAiOperation.ExecuteTool : undefined);
}

/**
 * What the tool call touched, when its span says (semantic-convention attributes of the
 * instrumentation underneath the tool: HTTP client, database, file, retrieval data source).
 * Such a call is `resource_access` on that target; otherwise the tool itself, `tool:<name>`,
 * is the resource of an `api_call`, so declared sensitive tools match one glob either way.
 */
export function toolTarget(attrs: Attributes): string | undefined {
  const url = attrStr(attrs, 'url.full', 'http.url');
  if (url !== undefined) return url;
  const file = attrStr(attrs, 'file.path');
  if (file !== undefined) return file;
  const collection = attrStr(attrs, 'db.collection.name', 'db.sql.table', 'db.mongodb.collection');
  if (collection !== undefined) {
    const system = attrStr(attrs, 'db.system.name', 'db.system') ?? 'db';
    const namespace = attrStr(attrs, 'db.namespace', 'db.name');
    return `${system}://${namespace !== undefined ? `${namespace}/` : ''}${collection}`;
  }
  const dataSource = attrStr(attrs, 'gen_ai.data_source.id');
  if (dataSource !== undefined) return `datasource:${dataSource}`;
  return attrStr(attrs, 'mcp.resource.uri');
}

const MAX_ARGUMENTS = 16;
const MAX_ARGUMENT_CHARS = 512;

/**
 * The top-level arguments of the call (`gen_ai.tool.call.arguments`, a JSON object, opt-in in
 * the GenAI conventions because it may hold sensitive data), as `tool.arg.<name>`: scalars as
 * given, a list of scalars comma-joined (several recipients). The baselines' `tools:` entries
 * name which one is a tool's target (issue 15, item 7). Bounded: 16 arguments, 512 characters.
 */
function putToolArguments(out: Record<string, string | number | boolean>, raw: unknown): void {
  let args: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > 65_536) return;
    try {
      args = JSON.parse(raw) as unknown;
    } catch {
      return;
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return;
  let n = 0;
  for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
    if (n >= MAX_ARGUMENTS) break;
    if (key.length === 0 || key.length > 64) continue;
    const text = Array.isArray(value)
      ? value
          .filter((v) => typeof v === 'string' || typeof v === 'number')
          .slice(0, MAX_ARGUMENTS)
          .join(',')
      : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : undefined;
    if (text === undefined || text === '') continue;
    out[`tool.arg.${key}`] = typeof text === 'string' ? clip(text, MAX_ARGUMENT_CHARS) : text;
    n++;
  }
}

const DENIED_ERROR = /denied|forbidden|unauthori[sz]ed|permission|not allowed|policy/i;

/** Span status ERROR (2) is a failure; an error the tool or its HTTP call reports as a refusal is denied. */
function outcomeOf(span: JsonObject, attrs: Attributes): Outcome {
  const status = obj(span['status']);
  const code = status?.['code'];
  const error = code === 2 || code === '2' || code === 'STATUS_CODE_ERROR' || code === 'ERROR';
  const http = num(attrs.get('http.response.status_code') ?? attrs.get('http.status_code'));
  if (http === 401 || http === 403) return 'denied';
  if (!error) return 'success';
  const why = `${attrStr(attrs, 'error.type') ?? ''} ${str(status?.['message']) ?? ''}`;
  return DENIED_ERROR.test(why) ? 'denied' : 'failure';
}

/** Unix nanoseconds (a decimal string in OTLP/JSON, beyond 2^53) to milliseconds, without losing digits. */
export function nanosToMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.trunc(value / 1e6) : undefined;
  const s = str(value);
  if (s === undefined || !/^\d{1,25}$/.test(s)) return undefined;
  const ms = s.length > 6 ? Number(s.slice(0, -6)) : 0;
  return ms > 0 ? ms : undefined;
}

/**
 * One `execute_tool` span to an audit event. The agent is `gen_ai.agent.id` (its name as the
 * peer group), else `gen_ai.agent.name`, else the resource's `service.name`; span attributes win
 * over resource attributes. The id `traceId:spanId` is unique per call and links the alert back
 * to the trace.
 */
export function mapToolSpan(span: JsonObject, resource: Attributes): RawAuditEvent {
  const attrs = attributesOf(span['attributes']);
  const traceId = str(span['traceId']);
  const spanId = str(span['spanId']);
  if (traceId === undefined || spanId === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'OTel span: no traceId or spanId');
  const agentIdFrom = (a: Attributes) => attrStr(a, 'gen_ai.agent.id');
  const agentNameFrom = (a: Attributes) => attrStr(a, 'gen_ai.agent.name');
  const declaredId = agentIdFrom(attrs) ?? agentIdFrom(resource);
  const agentName = agentNameFrom(attrs) ?? agentNameFrom(resource);
  const agentId = declaredId ?? agentName ?? attrStr(resource, 'service.name');
  if (agentId === undefined)
    throw new InvalidEventError(RejectReason.Unmapped, `OTel span ${spanId}: no gen_ai.agent.id, gen_ai.agent.name or service.name to name the agent`);
  const tool =
    attrStr(attrs, 'gen_ai.tool.name') ??
    str(span['name'])
      ?.match(/^execute_tool\s+(.+)$/)?.[1]
      ?.trim();
  if (tool === undefined) throw new InvalidEventError(RejectReason.Unmapped, `OTel span ${spanId}: an execute_tool span without gen_ai.tool.name`);
  const timeMs = nanosToMs(span['startTimeUnixNano']);
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, `OTel span ${spanId}: no valid startTimeUnixNano`);

  const target = toolTarget(attrs);
  const event: RawAuditEvent = {
    id: clip(`${traceId}:${spanId}`, 256),
    time: timeMs,
    agentId: clip(agentId, 256),
    category: target !== undefined ? 'resource_access' : 'api_call',
    action: clip(`tool:${tool}`, 512),
    resource: clip(target ?? `tool:${tool}`, 2048),
    outcome: outcomeOf(span, attrs),
  };
  if (declaredId !== undefined && agentName !== undefined && agentName !== declaredId) event.agentClass = clip(agentName, 256);
  const tenant = attrStr(resource, 'tenant.id', 'cloud.account.id');
  if (tenant !== undefined) event.tenant = clip(tenant, 256);
  const region = attrStr(resource, 'cloud.region');
  if (region !== undefined) event.source = { region: clip(region, 64) };

  const attributes: Record<string, string | number | boolean> = { tool, traceId };
  putAttr(attributes, 'spanId', spanId);
  putAttr(attributes, 'toolType', attrs.get('gen_ai.tool.type'));
  putAttr(attributes, 'toolCallId', attrs.get('gen_ai.tool.call.id'));
  putAttr(attributes, 'model', attrStr(attrs, 'gen_ai.request.model', 'gen_ai.response.model') ?? attrStr(resource, 'gen_ai.request.model'));
  putAttr(attributes, 'provider', attrStr(attrs, 'gen_ai.provider.name', 'gen_ai.system') ?? attrStr(resource, 'gen_ai.provider.name', 'gen_ai.system'));
  putAttr(attributes, 'conversationId', attrs.get('gen_ai.conversation.id'));
  putAttr(attributes, 'serviceName', attrStr(resource, 'service.name'));
  putAttr(attributes, 'errorType', attrs.get('error.type'));
  putAttr(attributes, 'statusMessage', obj(span['status'])?.['message']);
  putToolArguments(attributes, attrs.get('gen_ai.tool.call.arguments'));
  const end = nanosToMs(span['endTimeUnixNano']);
  if (end !== undefined && end >= timeMs) attributes['durationMs'] = end - timeMs;
  event.attributes = attributes;
  return event;
}
