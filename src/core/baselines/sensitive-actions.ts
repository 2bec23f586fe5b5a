import { GlobSet, compileGlob } from '../glob.js';
import type { AuditEvent } from '../events/audit-event.js';
import type { SensitivePatternDocument } from './declared-baselines-schema.js';

export interface SensitiveActionMatch {
  pattern: string;
  label: string;
  why?: string;
  /** The conditions that held, attribute → its value (empty when the entry has none). */
  conditions: readonly string[];
}

interface CompiledAction {
  re: RegExp;
  when: readonly (readonly [string, readonly RegExp[]])[];
  pattern: string;
  label: string;
  why?: string;
}

/** Items of a list the adapters flatten into one attribute (`aws.sharedWith: "all,111122223333"`). */
const MAX_ITEMS = 64;

function holds(value: string | number | boolean | undefined, globs: readonly RegExp[]): boolean {
  if (value === undefined) return false;
  const items = String(value).split(',', MAX_ITEMS);
  return items.some((item) => globs.some((g) => g.test(item.trim())));
}

/**
 * Declared sensitive actions (`sensitive` entries with `field: action`), some only under
 * conditions on the event's attributes: sharing a snapshot is news when it is shared with
 * `all` or another account, not when a permission is removed (issue 15, item 1). Entries are
 * tried in declaration order; the first whose pattern and conditions hold wins.
 */
export class SensitiveActions {
  private readonly any: GlobSet<true>;
  private readonly entries: readonly CompiledAction[];

  constructor(docs: readonly SensitivePatternDocument[]) {
    this.any = new GlobSet(docs.map((d) => ({ pattern: d.pattern, value: true as const })));
    this.entries = docs.map((d) => ({
      re: compileGlob(d.pattern),
      when: Object.entries(d.when ?? {}).map(([attribute, globs]) => [attribute, (Array.isArray(globs) ? globs : [globs]).map((g) => compileGlob(g))] as const),
      pattern: d.pattern,
      label: d.label ?? 'sensitive-action',
      ...(d.why !== undefined && { why: d.why }),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  match(event: AuditEvent): SensitiveActionMatch | undefined {
    if (this.any.match(event.action) === undefined) return undefined;
    const attrs = event.attributes;
    for (const e of this.entries) {
      if (!e.re.test(event.action)) continue;
      if (!e.when.every(([attribute, globs]) => holds(attrs?.[attribute], globs))) continue;
      return {
        pattern: e.pattern,
        label: e.label,
        ...(e.why !== undefined && { why: e.why }),
        conditions: e.when.map(([attribute]) => `${attribute}=${String(attrs?.[attribute])}`),
      };
    }
    return undefined;
  }
}
