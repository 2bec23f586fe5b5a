import type { AuditEvent } from '../events/audit-event.js';
import { compileGlob } from '../glob.js';
import type { ToolTargetDocument } from './declared-baselines-schema.js';

/** Attribute prefix under which the OTel adapter carries a tool call's top-level arguments. */
export const TOOL_ARG_PREFIX = 'tool.arg.';

export interface ToolTarget {
  tool: string;
  /** The targets, normalised (`attacker@evil.example`, `evil.example`): a list argument (several recipients) gives several. */
  targets: readonly string[];
  /** The argument it came from. */
  argument: string;
  label: string;
  why?: string;
  /** The declaration's tool glob, for explanations. */
  pattern: string;
}

/** Items of a list argument the adapter flattens (`to: "a@x,b@y"`) that are judged. */
const MAX_TARGETS = 16;

interface CompiledTool {
  re: RegExp;
  doc: ToolTargetDocument;
}

/** `https://user@Evil.Example:8443/x` → `evil.example`; undefined when the text is no URL. */
export function urlHost(text: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)/i.exec(text.trim());
  return m?.[1]?.toLowerCase();
}

function normalise(value: string, as: ToolTargetDocument['targetAs']): string {
  const v = value.trim().toLowerCase();
  if (as === 'host') return urlHost(v) ?? v;
  if (as === 'domain') {
    const at = v.lastIndexOf('@');
    return at >= 0 ? v.slice(at + 1) : (urlHost(v) ?? v);
  }
  return v;
}

/** The tool an event is a call of: the OTel adapter's `tool` attribute, else the action `tool:<name>`. */
export function toolOf(event: AuditEvent): string | undefined {
  const named = event.attributes?.['tool'];
  if (typeof named === 'string') return named;
  return event.action.startsWith('tool:') ? event.action.slice(5) : undefined;
}

/**
 * Declared tools and the argument that names their target (issue 15, item 7): a payment's payee,
 * an email's recipient, a share's grantee, a fetch's URL host. The first declaration whose glob
 * matches the tool and whose argument is present names the target. A URL-host tool whose call
 * carries no argument falls back on the span's own target (`url.full`, the event's resource).
 */
export class ToolTargets {
  private readonly entries: readonly CompiledTool[];

  constructor(docs: readonly ToolTargetDocument[]) {
    this.entries = docs.map((doc) => ({ re: compileGlob(doc.tool), doc }));
  }

  get size(): number {
    return this.entries.length;
  }

  targetOf(event: AuditEvent, tool: string): ToolTarget | undefined {
    const attrs = event.attributes;
    for (const { re, doc } of this.entries) {
      if (!re.test(tool)) continue;
      for (const argument of doc.target) {
        const value = attrs?.[`${TOOL_ARG_PREFIX}${argument}`];
        if (value === undefined || value === '') continue;
        const targets = [
          ...new Set(
            String(value)
              .split(',', MAX_TARGETS)
              .map((v) => normalise(v, doc.targetAs))
              .filter((v) => v !== ''),
          ),
        ];
        if (targets.length > 0) return this.found(doc, tool, targets, argument);
      }
      if (doc.targetAs === 'host' && event.resource !== undefined) {
        const host = urlHost(event.resource);
        if (host !== undefined) return this.found(doc, tool, [host], 'url.full');
      }
    }
    return undefined;
  }

  private found(doc: ToolTargetDocument, tool: string, targets: string[], argument: string): ToolTarget {
    return { tool, targets, argument, label: doc.label ?? 'tool-target', pattern: doc.tool, ...(doc.why !== undefined && { why: doc.why }) };
  }
}
