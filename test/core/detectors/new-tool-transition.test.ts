import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { DAY, HOUR, T0, engineWith, event, run } from '../../helpers/traffic.js';

/** One execute_tool span as the OTel adapter maps it. */
const call = (agent: string, t: number, trace: string, tool: string): AuditEvent =>
  event(agent, t, { category: 'api_call', action: `tool:${tool}`, resource: `tool:${tool}`, attributes: { tool, traceId: trace } });
const traceOf = (agent: string, t: number, trace: string, tools: readonly string[]): AuditEvent[] =>
  tools.map((tool, i) => call(agent, t + i * 5_000, trace, tool));

/** Two days of a ticket agent's two workflows, one trace every two hours. */
function learned(agent: string): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let i = 0; i < 24; i++) {
    const tools = i % 2 === 0 ? ['read_ticket', 'search_kb', 'reply_ticket'] : ['read_ticket', 'lookup_order', 'search_kb', 'reply_ticket'];
    out.push(...traceOf(agent, T0 + i * 2 * HOUR, `${agent}-t${i}`, tools));
  }
  return out;
}
const SETTINGS = { learningPeriodMs: DAY, minLearningEvents: 30, cooldownMs: 0 };
const brief = (a: { detector: string; agentId: string; time: string }) => [a.detector, a.agentId, a.time];
const iso = (t: number) => new Date(t).toISOString();
const AFTER = T0 + 2 * DAY + 10 * HOUR;

describe('new_tool_transition', () => {
  it('fires on a never-seen step within a trace once the agent has learned, naming what usually follows', () => {
    const events = [...learned('ticket-bot'), ...traceOf('ticket-bot', AFTER, 'inj-1', ['read_ticket', 'send_email', 'reply_ticket'])];
    const alerts = run(engineWith(SETTINGS), events).filter((a) => a.detector === 'new_tool_transition');
    // read_ticket → send_email and send_email → reply_ticket: two new steps, each its own alert (no cooldown here).
    expect(alerts.map(brief)).toEqual([
      ['new_tool_transition', 'ticket-bot', iso(AFTER + 5_000)],
      ['new_tool_transition', 'ticket-bot', iso(AFTER + 10_000)],
    ]);
    expect(alerts[0]?.summary).toBe(
      'ticket-bot called send_email right after read_ticket (trace inj-1), a sequence it has never used in 5 known transitions. After read_ticket it usually calls: search_kb, lookup_order.',
    );
    expect(alerts[0]).toMatchObject({ severity: 'medium', observed: { from: 'read_ticket', to: 'send_email', traceId: 'inj-1' } });
    expect(alerts[0]?.evidence).toEqual([events[events.length - 2]?.id]);
  });

  it('is silent on known sequences, while learning, and across interleaved traces', () => {
    // Two conversations interleaved: each trace keeps its own order.
    const a = traceOf('ticket-bot', AFTER, 'a', ['read_ticket', 'search_kb', 'reply_ticket']);
    const b = traceOf('ticket-bot', AFTER + 2_000, 'b', ['read_ticket', 'lookup_order', 'search_kb', 'reply_ticket']);
    const known = run(engineWith(SETTINGS), [...learned('ticket-bot'), ...[...a, ...b].sort((x, y) => x.timeMs - y.timeMs)]);
    expect(known.filter((x) => x.detector === 'new_tool_transition')).toEqual([]);
    // A new agent doing the injected sequence at once is still learning.
    const young = run(engineWith(SETTINGS), traceOf('new-bot', T0, 'x', ['read_ticket', 'send_email', 'transfer_funds']));
    expect(young.filter((x) => x.detector === 'new_tool_transition')).toEqual([]);
  });

  it('raises the same alert after a snapshot and restore between learning and the injection', () => {
    const events = [...learned('ticket-bot'), ...traceOf('ticket-bot', AFTER, 'inj-1', ['read_ticket', 'send_email'])];
    const reference = run(engineWith(SETTINGS), events);
    expect(reference.filter((a) => a.detector === 'new_tool_transition')).toHaveLength(1);
    const first = engineWith(SETTINGS);
    run(
      first,
      events.filter((e) => e.timeMs < AFTER),
    );
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    expect(saved.agents[0].toolTransitions.transitions).toHaveLength(5);
    const second = engineWith(SETTINGS);
    second.restore(saved);
    expect(JSON.parse(JSON.stringify(second.snapshot()))).toEqual(saved);
    expect(
      run(
        second,
        events.filter((e) => e.timeMs >= AFTER),
      ),
    ).toEqual(reference.filter((a) => a.time >= iso(AFTER)));
  });
});
