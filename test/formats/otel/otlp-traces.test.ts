import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { RawAuditEvent } from '../../../src/core/events/audit-event-schema.js';
import { toAuditEvent } from '../../../src/core/events/decode-audit-event.js';
import { nanosToMs } from '../../../src/formats/otel/genai-tool-span.js';
import { anyValue } from '../../../src/formats/otel/otlp-attributes.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';
import { isOtlpTraces, otlpToolEvents } from '../../../src/formats/otel/otlp-traces.js';

const traces = JSON.parse(readFileSync(new URL('fixtures/agent-traces.otlp.json', import.meta.url), 'utf8')) as unknown;

describe('OpenTelemetry GenAI tool spans (OTLP/JSON)', () => {
  const all = [...otlpToolEvents(traces)];
  const skipped = all.filter((e): e is SkippedRecord => e instanceof SkippedRecord);
  const out = all.filter((e) => !(e instanceof SkippedRecord));
  const events = out.filter((e): e is RawAuditEvent => !(e instanceof InvalidEventError));
  const bySpan = (spanId: string) => events.find((e) => e.id.endsWith(`:${spanId}`));

  it('maps an execute_tool span: agent id with its name as peer group, tool:<name>, trace id, model', () => {
    expect(bySpan('a000000000000003')).toEqual({
      id: '5b8efff798038103d269b633813fc60c:a000000000000003',
      time: Date.parse('2026-03-02T09:00:01.234Z'),
      agentId: 'asst_5j66UpCpwteGg4YSxUnt7lPY',
      agentClass: 'travel-planner',
      tenant: 'sub-1234',
      category: 'api_call',
      action: 'tool:get_weather',
      resource: 'tool:get_weather',
      outcome: 'success',
      source: { region: 'westeurope' },
      attributes: {
        tool: 'get_weather',
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'a000000000000003',
        toolType: 'function',
        toolCallId: 'call_mszuSIzqtI65i1wAUOE8w5H4',
        model: 'gpt-4o',
        provider: 'openai',
        serviceName: 'travel-agent',
        durationMs: 300,
      },
    });
  });

  it('a tool call that names its target (URL, database collection, file) is resource_access on it', () => {
    expect(bySpan('a000000000000004')).toMatchObject({
      category: 'resource_access',
      action: 'tool:fetch_page',
      resource: 'https://api.example-airline.com/v2/flights?from=AMS',
      outcome: 'success',
    });
    expect(bySpan('a000000000000006')).toMatchObject({
      category: 'resource_access',
      action: 'tool:query_orders',
      resource: 'postgresql://shop/orders',
      attributes: { toolType: 'datastore' },
    });
    // Agent named only on the resource: gen_ai.agent.name, no peer group of its own.
    const mcp = bySpan('b000000000000001');
    expect(mcp).toMatchObject({ agentId: 'support-bot', category: 'resource_access', action: 'tool:read_file', resource: '/srv/app/.env', outcome: 'success' });
    expect(mcp?.agentClass).toBeUndefined();
    expect(mcp?.source).toBeUndefined();
  });

  it('status ERROR is a failure, a refusal (error type or message) is denied', () => {
    expect(bySpan('a000000000000005')).toMatchObject({
      outcome: 'denied',
      resource: 'tool:run_shell',
      attributes: { errorType: 'PermissionDeniedError', statusMessage: 'sandbox policy refused the command' },
    });
    expect(bySpan('a000000000000006')).toMatchObject({ outcome: 'failure', attributes: { errorType: 'TimeoutError' } });
  });

  it('skips the other spans, each with its operation as reason; a broken tool span is rejected in place with a reason', () => {
    expect(events.map((e) => e.id.split(':')[1])).toEqual(['a000000000000003', 'a000000000000004', 'a000000000000005', 'a000000000000006', 'b000000000000001']);
    expect(skipped.map((s) => s.reason)).toEqual(['otel invoke_agent', 'otel chat', 'otel span without gen_ai.operation.name']);
    const errors = out.filter((e): e is InvalidEventError => e instanceof InvalidEventError);
    expect(errors.map((e) => e.message)).toEqual(['OTel span: no traceId or spanId']);
    expect(out.indexOf(errors[0]!)).toBe(4);
  });

  it('produces events the native schema accepts', () => {
    // The count first: on an empty list the loop below would pass without checking anything.
    expect(events).toHaveLength(5);
    for (const e of events) expect(() => toAuditEvent(structuredClone(e))).not.toThrow();
  });

  it('rejects what is not a trace export, and spans with no agent, tool or time', () => {
    expect(isOtlpTraces(traces)).toBe(true);
    expect(isOtlpTraces({ resourceLogs: [] })).toBe(false);
    expect([...otlpToolEvents({ resourceMetrics: [] })].map((e) => (e as InvalidEventError).message)).toEqual([
      'OTLP: not a trace export (no resourceSpans array)',
    ]);
    const tool = (attributes: unknown[], extra: Record<string, unknown> = {}) => ({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [{ spans: [{ traceId: 't', spanId: 's', startTimeUnixNano: '1772442000000000000', attributes, ...extra }] }],
        },
      ],
    });
    const op = { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } };
    const name = { key: 'gen_ai.tool.name', value: { stringValue: 'x' } };
    const agent = { key: 'gen_ai.agent.name', value: { stringValue: 'a' } };
    const message = (v: unknown) =>
      [...otlpToolEvents(v)].map((e) => (e instanceof InvalidEventError ? e.message : e instanceof SkippedRecord ? e.reason : 'event'));
    expect(message(tool([op, name]))).toEqual(['OTel span s: no gen_ai.agent.id, gen_ai.agent.name or service.name to name the agent']);
    expect(message(tool([op, agent]))).toEqual(['OTel span s: an execute_tool span without gen_ai.tool.name']);
    expect(message(tool([op, agent], { name: 'execute_tool lookup' }))).toEqual(['event']);
    expect(message(tool([op, agent, name], { startTimeUnixNano: 'soon' }))).toEqual(['OTel span s: no valid startTimeUnixNano']);
    // A tool span from before gen_ai.operation.name existed still counts.
    expect(message(tool([agent, name]))).toEqual(['event']);
  });

  it('reads OTLP AnyValues and nanosecond times exactly', () => {
    expect(anyValue({ intValue: '9007199254740993' })).toBe(9007199254740992);
    expect(anyValue({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } })).toBe('["a",2]');
    expect(anyValue({ kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } })).toBe('{"k":true}');
    expect(nanosToMs('1772442001234567891')).toBe(1772442001234);
    expect(nanosToMs(Number('1772442001234567891'))).toBe(1772442001234);
    expect(nanosToMs('0')).toBeUndefined();
  });
});

describe('the otel LogFormat', () => {
  it('detects trace exports and yields the tool events with errors in place', async () => {
    const { otelFormat } = await import('../../../src/formats/otel/otel-format.js');
    expect(otelFormat.detect(traces)).toBe(true);
    expect(otelFormat.detect({ records: [] })).toBe(false);
    const kinds = [...otelFormat.toEvents(traces)].map((e) => (e instanceof InvalidEventError ? 'error' : e instanceof SkippedRecord ? 'skip' : e.action));
    expect(kinds).toEqual(['skip', 'skip', 'tool:get_weather', 'tool:fetch_page', 'tool:run_shell', 'tool:query_orders', 'skip', 'error', 'tool:read_file']);
  });
});
