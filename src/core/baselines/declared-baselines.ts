import { GlobSet, compileGlob } from '../glob.js';
import { ActiveHours } from './active-hours.js';
import type { DeclaredBaselinesDocument, MaintenanceWindowDocument } from './declared-baselines-schema.js';
import { MaintenanceWindows } from './maintenance-windows.js';
import { SensitiveActions } from './sensitive-actions.js';
import { ToolTargets } from './tool-targets.js';

export interface SensitiveMatch {
  pattern: string;
  label: string;
  why?: string;
}

/** What the declarations say about one agent, merged over every entry that matches it. */
export interface AgentDeclaration {
  timezone?: string;
  activeHours?: ActiveHours;
  allowedRegions?: readonly string[];
  expectedPermissions?: GlobSet<string>;
  allowedResources?: GlobSet<string>;
  maxEventsPerMinute?: number;
  /** Maintenance windows of every matching entry (not only the first): a class's weekly window and an agent's one-off both apply. */
  maintenance?: MaintenanceWindows;
  /** Which entries matched (indexes into `agents:`), for explanations. */
  matchedEntries: readonly number[];
}

interface CompiledEntry {
  agentId?: RegExp;
  agentClass?: string;
  declaration: Omit<AgentDeclaration, 'matchedEntries' | 'maintenance'>;
  maintenance?: readonly MaintenanceWindowDocument[];
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
  /** `sensitive` entries with `field: action` (issue 15). */
  readonly sensitiveActions: SensitiveActions;
  /** AI agents' tools and their target arguments (issue 15, item 7). */
  readonly tools: ToolTargets;
  private readonly entries: CompiledEntry[];
  /** Compiled once per set of matching entries, shared by the agents they match (a weekly window is 10 kB). */
  private readonly maintenanceBy = new Map<string, MaintenanceWindows>();

  static empty(): DeclaredBaselines {
    return new DeclaredBaselines({});
  }

  constructor(doc: DeclaredBaselinesDocument) {
    const sensitive = doc.sensitive ?? [];
    const toMatch = (s: { pattern: string; label?: string; why?: string }) => ({
      pattern: s.pattern,
      value: { pattern: s.pattern, label: s.label ?? 'sensitive', ...(s.why !== undefined && { why: s.why }) },
    });
    this.sensitiveResources = new GlobSet(sensitive.filter((s) => (s.field ?? 'resource') !== 'permission' && s.field !== 'action').map(toMatch));
    this.sensitiveActions = new SensitiveActions(sensitive.filter((s) => s.field === 'action'));
    this.tools = new ToolTargets(doc.tools ?? []);
    this.sensitivePermissions = new GlobSet(sensitive.filter((s) => s.field === 'permission' || s.field === 'any').map(toMatch));
    this.privileged = new GlobSet(
      (doc.privileged ?? []).map((p) => ({
        pattern: p.pattern,
        value: { pattern: p.pattern, label: p.label ?? 'privileged', ...(p.why !== undefined && { why: p.why }) },
      })),
    );
    this.entries = (doc.agents ?? []).map((a) => {
      const declaration: Omit<AgentDeclaration, 'matchedEntries' | 'maintenance'> = {};
      if (a.timezone !== undefined) declaration.timezone = a.timezone;
      if (a.activeHours !== undefined) declaration.activeHours = new ActiveHours(a.activeHours);
      if (a.allowedRegions !== undefined) declaration.allowedRegions = a.allowedRegions;
      if (a.expectedPermissions !== undefined) declaration.expectedPermissions = new GlobSet(a.expectedPermissions.map((p) => ({ pattern: p, value: p })));
      if (a.allowedResources !== undefined) declaration.allowedResources = new GlobSet(a.allowedResources.map((p) => ({ pattern: p, value: p })));
      if (a.maxEventsPerMinute !== undefined) declaration.maxEventsPerMinute = a.maxEventsPerMinute;
      const entry: CompiledEntry = { declaration };
      if (a.maintenance?.length) entry.maintenance = a.maintenance;
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
    const withWindows = matched.filter((i) => this.entries[i]?.maintenance !== undefined);
    if (merged !== undefined && withWindows.length > 0) {
      const key = withWindows.join(',');
      let windows = this.maintenanceBy.get(key);
      if (windows === undefined) {
        windows = new MaintenanceWindows(withWindows.flatMap((i) => this.entries[i]?.maintenance ?? []));
        this.maintenanceBy.set(key, windows);
      }
      (merged as AgentDeclaration).maintenance = windows;
    }
    return merged;
  }
}
