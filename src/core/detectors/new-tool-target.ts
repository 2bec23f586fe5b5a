import { type Static, Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import { SeenSet, type SeenSetSnapshot } from '../baselines/seen-set.js';
import { toolOf } from '../baselines/tool-targets.js';
import type { EngineContext } from '../engine-context.js';
import type { FindingPattern } from '../feedback/finding-pattern.js';
import type { Detector, Finding } from './detector.js';

// ---------------------------------------------------------------------------------------------
// Settings: composed into the engine settings as `engine.newToolTarget` (engine-settings.ts).

export const NewToolTargetSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    maxTargets: Type.Integer({
      minimum: 1,
      maximum: 65_536,
      default: 1024,
      description: 'Targets (tool and target) remembered per agent, the least recently used forgotten first.',
    }),
    maxTools: Type.Integer({
      minimum: 1,
      maximum: 1024,
      default: 64,
      description: 'Tools whose calls are counted per agent, to say in an alert what the agent usually does.',
    }),
  },
  { default: {} },
);
export type NewToolTargetSettings = Static<typeof NewToolTargetSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// State: one agent's tools and their targets.

/** Event time as the engine writes it: past ±8.64e15 a Date is invalid and every alert would throw. */
const TimeMs = Type.Number({ minimum: -8.64e15, maximum: 8.64e15 });

export const NewToolTargetSnapshotSchema = Type.Object({
  targets: Type.Array(Type.Tuple([Type.String({ maxLength: 4096 }), TimeMs, TimeMs]), { maxItems: 65_536 }),
  tools: Type.Array(Type.Tuple([Type.String({ maxLength: 4096 }), Type.Integer({ minimum: 0 })]), { maxItems: 1024 }),
});
export type NewToolTargetSnapshot = Static<typeof NewToolTargetSnapshotSchema>;

/** `<tool> <target>`: a tool name has no space (OpenAI and MCP names are identifiers). */
const key = (tool: string, target: string): string => `${tool} ${target}`;

export class ToolTargetState {
  targets: SeenSet;
  /** Calls per tool (at most maxTools tools): what the agent usually does, for the alert. */
  readonly tools = new Map<string, number>();

  constructor(maxTargets: number, forgetAfterMs: number) {
    this.targets = new SeenSet(maxTargets, forgetAfterMs);
  }

  countTool(tool: string, maxTools: number): void {
    const n = this.tools.get(tool);
    if (n !== undefined) this.tools.set(tool, n + 1);
    else if (this.tools.size < maxTools) this.tools.set(tool, 1);
  }

  /** The targets already known for a tool (read only when an alert is written). */
  knownTargets(tool: string, nowMs: number): string[] {
    const prefix = `${tool} `;
    const out: string[] = [];
    for (const [k] of this.targets) if (k.startsWith(prefix) && this.targets.has(k, nowMs)) out.push(k.slice(prefix.length));
    return out;
  }

  usualTools(limit: number): string {
    return [...this.tools]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([t, n]) => `${t} (${n})`)
      .join(', ');
  }

  get bytes(): number {
    return this.targets.bytes + this.tools.size * 64;
  }

  snapshot(): NewToolTargetSnapshot {
    return { targets: this.targets.snapshot(), tools: [...this.tools] };
  }

  static restore(s: NewToolTargetSnapshot, maxTargets: number, forgetAfterMs: number): ToolTargetState {
    const state = new ToolTargetState(maxTargets, forgetAfterMs);
    state.targets = SeenSet.restore(s.targets as SeenSetSnapshot, maxTargets, forgetAfterMs);
    for (const [t, n] of s.tools) state.tools.set(t, n);
    return state;
  }
}

function stateOf(ctx: EngineContext, agent: AgentBaseline): ToolTargetState {
  return (agent.toolTargets ??= new ToolTargetState(ctx.settings.newToolTarget.maxTargets, ctx.settings.seen.forgetAfterMs));
}

/**
 * A declared tool called with a target the agent has never used with it (issue 15, item 7): a
 * new payee, a new outbound recipient, a file shared with a new grantee, a URL host never
 * fetched: what a prompt-injected agent does with its usual tools. The pack's `tools:` entries
 * name each tool's target argument. Learned: every target is new while the agent learns, so it
 * speaks once the agent has learned. High when the tool is itself declared sensitive
 * (`tool:<name>` matches a `sensitive` pattern: money, mail, shell), medium otherwise.
 */
export const newToolTarget: Detector = {
  name: 'new_tool_target',
  learned: true,
  enabled: (ctx) => ctx.settings.newToolTarget.enabled && ctx.declared.tools.size > 0,
  check(ctx, agent, event): Finding | undefined {
    const tool = toolOf(event);
    if (tool === undefined) return undefined;
    const state = stateOf(ctx, agent);
    state.countTool(tool, ctx.settings.newToolTarget.maxTools);
    const declared = ctx.declared.tools.targetOf(event, tool);
    if (declared === undefined) return undefined;
    const fresh = declared.targets.filter((t) => state.targets.touch(key(tool, t), event.timeMs));
    if (fresh.length === 0 || agent.isLearning(ctx)) return undefined;
    const previous = state.knownTargets(tool, event.timeMs).filter((t) => !fresh.includes(t));
    const sensitive = ctx.declared.sensitiveResources.match(`tool:${tool}`);
    const denied = event.outcome !== 'success';
    const shown = previous.slice(0, 5).join(', ');
    return {
      detector: 'new_tool_target',
      severity: sensitive !== undefined ? 'high' : 'medium',
      score: sensitive !== undefined ? (denied ? 70 : 80) : 55,
      summary:
        `${agent.agentId} ${denied ? `tried (${event.outcome}) to call` : 'called'} ${tool} with a ${declared.label} it has never used: ${fresh.join(', ')} (argument ${declared.argument}). ` +
        (previous.length === 0
          ? `It had never called ${tool} with any other target before`
          : `Its usual ${declared.label}s for ${tool}: ${shown}${previous.length > 5 ? ` and ${previous.length - 5} more` : ''}`) +
        `; its usual tools: ${state.usualTools(5)}.` +
        (declared.why === undefined ? '' : ` Why it matters: ${declared.why.replace(/\.?$/, '.')}`),
      observed: {
        tool,
        targets: fresh,
        argument: declared.argument,
        label: declared.label,
        outcome: event.outcome,
        ...(event.attributes?.['traceId'] !== undefined && { traceId: String(event.attributes['traceId']) }),
      },
      expected: {
        knownTargets: previous.slice(0, 20),
        matchedTool: declared.pattern,
        ...(sensitive !== undefined && { sensitiveTool: sensitive.label }),
        ...(declared.why !== undefined && { why: declared.why }),
      },
      evidence: [event.id],
      basis: 'learned',
    };
  },
  pattern(finding): FindingPattern {
    const targets = finding.observed['targets'];
    return { key: `${String(finding.observed['tool'])} ${Array.isArray(targets) ? targets.join(',') : ''}` };
  },
};
