import { type Static, Type } from '@sinclair/typebox';
import { SeenSet, type SeenSetSnapshot } from '../baselines/seen-set.js';
import { toolOf } from '../baselines/tool-targets.js';
import type { FindingPattern } from '../feedback/finding-pattern.js';
import type { Detector, Finding } from './detector.js';

// ---------------------------------------------------------------------------------------------
// Settings: composed into the engine settings as `engine.newToolTransition` (engine-settings.ts).

export const NewToolTransitionSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    minKnownTransitions: Type.Integer({
      minimum: 1,
      default: 5,
      description:
        'Speak only once the agent has learned at least this many distinct transitions (an agent that calls one tool a trace has nothing to compare with).',
    }),
    maxTransitions: Type.Integer({
      minimum: 1,
      maximum: 65_536,
      default: 1024,
      description: 'Distinct transitions remembered per agent, the least recently used forgotten first.',
    }),
    maxOpenTraces: Type.Integer({
      minimum: 1,
      maximum: 1024,
      default: 16,
      description: 'Traces per agent whose last tool is remembered (interleaved conversations).',
    }),
  },
  { default: {} },
);
export type NewToolTransitionSettings = Static<typeof NewToolTransitionSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// State: the bigrams of consecutive tool calls an agent has made within a trace.

/** Event time as the engine writes it: past ±8.64e15 a Date is invalid and every alert would throw. */
const TimeMs = Type.Number({ minimum: -8.64e15, maximum: 8.64e15 });

export const NewToolTransitionSnapshotSchema = Type.Object({
  transitions: Type.Array(Type.Tuple([Type.String({ maxLength: 4096 }), TimeMs, TimeMs]), { maxItems: 65_536 }),
  open: Type.Array(Type.Tuple([Type.String({ maxLength: 4096 }), Type.String({ maxLength: 4096 })]), { maxItems: 1024 }),
});
export type NewToolTransitionSnapshot = Static<typeof NewToolTransitionSnapshotSchema>;

/** The start of a trace, as the first half of its first transition. */
export const TRACE_START = '(start)';
const ARROW = ' → ';

export class ToolTransitionState {
  transitions: SeenSet;
  /** traceId → the last tool called in it, oldest trace first (bounded). */
  readonly open = new Map<string, string>();

  constructor(maxTransitions: number, forgetAfterMs: number) {
    this.transitions = new SeenSet(maxTransitions, forgetAfterMs);
  }

  /** The previous tool of the trace (TRACE_START for its first call), remembering this one. */
  step(traceId: string, tool: string, maxOpen: number): string {
    const previous = this.open.get(traceId);
    if (previous !== undefined) this.open.delete(traceId);
    this.open.set(traceId, tool);
    if (this.open.size > maxOpen) this.open.delete(this.open.keys().next().value as string);
    return previous ?? TRACE_START;
  }

  /** What the agent has called after `from` (read only when an alert is written). */
  successors(from: string, nowMs: number): string[] {
    const prefix = `${from}${ARROW}`;
    const out: string[] = [];
    for (const [k] of this.transitions) if (k.startsWith(prefix) && this.transitions.has(k, nowMs)) out.push(k.slice(prefix.length));
    return out;
  }

  get bytes(): number {
    return this.transitions.bytes + this.open.size * 160;
  }

  snapshot(): NewToolTransitionSnapshot {
    return { transitions: this.transitions.snapshot(), open: [...this.open] };
  }

  static restore(s: NewToolTransitionSnapshot, maxTransitions: number, forgetAfterMs: number): ToolTransitionState {
    const state = new ToolTransitionState(maxTransitions, forgetAfterMs);
    state.transitions = SeenSet.restore(s.transitions as SeenSetSnapshot, maxTransitions, forgetAfterMs);
    for (const [t, tool] of s.open) state.open.set(t, tool);
    return state;
  }
}

/**
 * A tool call following another in a trace in an order the agent has never used (issue 15, item
 * 7): the bigram of consecutive `execute_tool` spans of one trace (the start of the trace counts
 * as a step). An agent answering tickets reads a ticket, searches the docs and replies; one whose
 * prompt was injected by the ticket goes from reading it to `send_email` or `transfer_funds`.
 * Learned (silent while the agent learns, and until it knows `minKnownTransitions`): a workflow
 * has few transitions, all seen within days. Medium: the order alone is a hint, not a harm;
 * new_tool_target and new_sensitive_resource say what the step did.
 */
export const newToolTransition: Detector = {
  name: 'new_tool_transition',
  learned: true,
  enabled: (ctx) => ctx.settings.newToolTransition.enabled,
  check(ctx, agent, event): Finding | undefined {
    const trace = event.attributes?.['traceId'];
    if (typeof trace !== 'string') return undefined;
    const tool = toolOf(event);
    if (tool === undefined) return undefined;
    const s = ctx.settings.newToolTransition;
    const state = (agent.toolTransitions ??= new ToolTransitionState(s.maxTransitions, ctx.settings.seen.forgetAfterMs));
    const from = state.step(trace, tool, s.maxOpenTraces);
    const known = state.transitions.size;
    if (!state.transitions.touch(`${from}${ARROW}${tool}`, event.timeMs)) return undefined;
    if (agent.isLearning(ctx) || known < s.minKnownTransitions) return undefined;
    const usual = state.successors(from, event.timeMs).filter((t) => t !== tool);
    const after = from === TRACE_START ? 'as the first tool of a trace' : `right after ${from}`;
    return {
      detector: 'new_tool_transition',
      severity: 'medium',
      score: 50,
      summary:
        `${agent.agentId} called ${tool} ${after} (trace ${trace}), a sequence it has never used in ${known} known transitions. ` +
        (usual.length === 0
          ? `It had never called anything ${from === TRACE_START ? 'first' : `after ${from}`} before.`
          : `${from === TRACE_START ? 'Its traces usually start with' : `After ${from} it usually calls`}: ${usual.slice(0, 5).join(', ')}.`),
      observed: { from, to: tool, traceId: trace },
      expected: { knownTransitions: known, usualNext: usual.slice(0, 20) },
      evidence: [event.id],
      basis: 'learned',
    };
  },
  pattern(finding): FindingPattern {
    return { key: `${String(finding.observed['from'])}${ARROW}${String(finding.observed['to'])}` };
  },
};
