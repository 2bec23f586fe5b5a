import type { FindingPattern } from './finding-pattern.js';

export type AcceptedPatternsSnapshot = [detector: string, keys: string[], magnitude: number | null][];

interface Accepted {
  keys: Set<string>;
  magnitude: number | undefined;
}

/**
 * The patterns an analyst marked normal for one agent, per detector: exact keys (bounded, oldest
 * dropped) and the largest magnitude accepted. Part of the agent's snapshot, so a verdict
 * survives restarts and partition moves like everything else the agent has learned.
 */
export class AcceptedPatterns {
  private readonly byDetector = new Map<string, Accepted>();

  constructor(private readonly maxKeys: number) {}

  accept(detector: string, p: FindingPattern): void {
    let a = this.byDetector.get(detector);
    if (!a) this.byDetector.set(detector, (a = { keys: new Set(), magnitude: undefined }));
    if (p.key !== undefined && p.magnitude === undefined) {
      a.keys.delete(p.key);
      a.keys.add(p.key);
      if (a.keys.size > this.maxKeys) a.keys.delete(a.keys.values().next().value as string);
    }
    if (p.magnitude !== undefined && Number.isFinite(p.magnitude)) a.magnitude = Math.max(a.magnitude ?? 0, p.magnitude);
  }

  /** A confirmed verdict withdraws an earlier acceptance of the same pattern. */
  withdraw(detector: string, p: FindingPattern): void {
    const a = this.byDetector.get(detector);
    if (!a) return;
    if (p.key !== undefined) a.keys.delete(p.key);
    if (p.magnitude !== undefined && a.magnitude !== undefined && p.magnitude >= a.magnitude) a.magnitude = undefined;
  }

  /** Whether a finding with this pattern is expected now; magnitudes within `tolerance` × the accepted one. */
  covers(detector: string, p: FindingPattern, tolerance: number): boolean {
    const a = this.byDetector.get(detector);
    if (!a) return false;
    if (p.magnitude !== undefined) return a.magnitude !== undefined && p.magnitude <= a.magnitude * tolerance;
    return p.key !== undefined && a.keys.has(p.key);
  }

  snapshot(): AcceptedPatternsSnapshot {
    return [...this.byDetector].map(([d, a]) => [d, [...a.keys], a.magnitude ?? null]);
  }

  static restore(s: AcceptedPatternsSnapshot, maxKeys: number): AcceptedPatterns {
    const p = new AcceptedPatterns(maxKeys);
    for (const [d, keys, magnitude] of s) p.byDetector.set(d, { keys: new Set(keys), magnitude: magnitude ?? undefined });
    return p;
  }
}
