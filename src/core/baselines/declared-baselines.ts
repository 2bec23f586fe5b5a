import { GlobSet, compileGlob } from '../glob.js';
import { ActiveHours } from './active-hours.js';
import { type DeclaredBaselinesDocument } from './declared-baselines-schema.js';

export interface SensitiveMatch {
  pattern: string;
  label: string;
}

/** What the declarations say about one agent, merged over every entry that matches it. */
export interface AgentDeclaration {
  timezone?: string;
  activeHours?: ActiveHours;
  allowedRegions?: readonly string[];
  expectedPermissions?: GlobSet<string>;
  allowedResources?: GlobSet<string>;
  maxEventsPerMinute?: number;
  /** Which entries matched (indexes into `agents:`), for explanations. */
  matchedEntries: readonly number[];
}

interface CompiledEntry {
  agentId?: RegExp;
  agentClass?: string;
  declaration: Omit<AgentDeclaration, 'matchedEntries'>;
}

/**
 * Declared baselines compiled once for the hot path. For an agent, entries are merged in file
 * order and the first entry that sets a field wins: put specific `agentId` entries before broad
 * `agentClass` ones.
 */
export class DeclaredBaselines {
  readonly sensitiveResources: GlobSet<SensitiveMatch>;
  readonly sensitivePermissions: GlobSet<SensitiveMatch>;
  readonly privileged: GlobSet<SensitiveMatch>;
  private readonly entries: CompiledEntry[];

  static empty(): DeclaredBaselines {
    return new DeclaredBaselines({});
  }

  constructor(doc: DeclaredBaselinesDocument) {
    const sensitive = doc.sensitive ?? [];
    const toMatch = (s: { pattern: string; label?: string }) => ({ pattern: s.pattern, value: { pattern: s.pattern, label: s.label ?? 'sensitive' } });
    this.sensitiveResources = new GlobSet(sensitive.filter((s) => (s.field ?? 'resource') !== 'permission').map(toMatch));
    this.sensitivePermissions = new GlobSet(sensitive.filter((s) => s.field === 'permission' || s.field === 'any').map(toMatch));
    this.privileged = new GlobSet((doc.privileged ?? []).map((p) => ({ pattern: p.pattern, value: { pattern: p.pattern, label: p.label ?? 'privileged' } })));
    this.entries = (doc.agents ?? []).map((a) => {
      const declaration: Omit<AgentDeclaration, 'matchedEntries'> = {};
      if (a.timezone !== undefined) declaration.timezone = a.timezone;
      if (a.activeHours !== undefined) declaration.activeHours = new ActiveHours(a.activeHours);
      if (a.allowedRegions !== undefined) declaration.allowedRegions = a.allowedRegions;
      if (a.expectedPermissions !== undefined)
        declaration.expectedPermissions = new GlobSet(a.expectedPermissions.map((p) => ({ pattern: p, value: p })));
      if (a.allowedResources !== undefined)
        declaration.allowedResources = new GlobSet(a.allowedResources.map((p) => ({ pattern: p, value: p })));
      if (a.maxEventsPerMinute !== undefined) declaration.maxEventsPerMinute = a.maxEventsPerMinute;
      const entry: CompiledEntry = { declaration };
      if (a.match.agentId !== undefined) entry.agentId = compileGlob(a.match.agentId);
      if (a.match.agentClass !== undefined) entry.agentClass = a.match.agentClass;
      return entry;
    });
  }

  /** Resolved once per agent, when its baseline is created. */
  forAgent(agentId: string, agentClass: string | undefined): AgentDeclaration | undefined {
    let merged: AgentDeclaration | undefined;
    const matched: number[] = [];
    this.entries.forEach((entry, index) => {
      if (entry.agentId && !entry.agentId.test(agentId)) return;
      if (entry.agentClass !== undefined && entry.agentClass !== agentClass) return;
      matched.push(index);
      merged = { ...entry.declaration, ...merged, matchedEntries: matched };
    });
    return merged;
  }
}
