import type { AgentSnapshot } from './agent-baseline-snapshot.js';
import type { SeenSetSnapshot } from './seen-set.js';

export interface TrimResult {
  snapshot: AgentSnapshot;
  /** Its JSON, within the bound unless nothing more could be trimmed. */
  json: string;
  /** Entries forgotten (least recently seen first). */
  dropped: number;
}

/**
 * An agent snapshot made to fit `maxBytes` of JSON by its own bounds (issue 12): the largest of
 * its remembered sets — resources, sensitive resources, permissions, places, machine-bound
 * sessions — loses its least recently seen half, again until it fits. What is forgotten is what
 * the in-memory bounds (`seen.max*`, `forgetAfterMs`) would forget first; a forgotten resource
 * is merely "new" again later. Counters, rates and the hour profile are never trimmed: they are
 * of fixed size.
 */
export function trimSnapshot(snapshot: AgentSnapshot, maxBytes: number, byteLength: (s: string) => number): TrimResult {
  let json = JSON.stringify(snapshot);
  if (byteLength(json) <= maxBytes) return { snapshot, json, dropped: 0 };
  const s: AgentSnapshot = structuredClone(snapshot);
  let dropped = 0;
  for (;;) {
    const sets = trimmableSets(s);
    let largest: { get: () => unknown[]; set: (v: unknown[]) => void; bytes: number } | undefined;
    for (const t of sets) {
      const list = t.get();
      if (list.length === 0) continue;
      const bytes = JSON.stringify(list).length;
      if (largest === undefined || bytes > largest.bytes) largest = { ...t, bytes };
    }
    if (largest === undefined) break;
    const list = largest.get();
    const keep = Math.floor(list.length / 2);
    largest.set(mostRecent(list, keep));
    dropped += list.length - keep;
    json = JSON.stringify(s);
    if (byteLength(json) <= maxBytes) break;
  }
  return { snapshot: s, json, dropped };
}

type Trimmable = { get: () => unknown[]; set: (v: unknown[]) => void };

function trimmableSets(s: AgentSnapshot): Trimmable[] {
  const out: Trimmable[] = [{ get: () => s.resources, set: (v) => (s.resources = v as SeenSetSnapshot) }];
  if (s.sensitive) out.push({ get: () => s.sensitive ?? [], set: (v) => (s.sensitive = v as SeenSetSnapshot) });
  if (s.permissions) out.push({ get: () => s.permissions ?? [], set: (v) => (s.permissions = v as SeenSetSnapshot) });
  const loc = s.locations;
  if (loc) {
    out.push({ get: () => loc.known, set: (v) => (loc.known = v as SeenSetSnapshot) });
    if (loc.sessions) out.push({ get: () => loc.sessions ?? [], set: (v) => (loc.sessions = v as NonNullable<typeof loc.sessions>) });
  }
  out.push({ get: () => s.bucket.evidence, set: (v) => (s.bucket.evidence = v as string[]) });
  out.push({ get: () => s.hour.evidence, set: (v) => (s.hour.evidence = v as string[]) });
  return out;
}

/** The `keep` entries seen last: seen-set rows carry their last-seen time third; other lists keep their tail (newest). */
function mostRecent(list: unknown[], keep: number): unknown[] {
  if (keep === 0) return [];
  const first = list[0];
  if (Array.isArray(first) && typeof first[2] === 'number') {
    return [...list].sort((a, b) => ((b as number[])[2] as number) - ((a as number[])[2] as number)).slice(0, keep);
  }
  return list.slice(list.length - keep);
}
