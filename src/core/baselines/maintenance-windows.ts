import { InvalidBaselinesError } from '../errors.js';
import { minuteOfWeek } from '../time/timezone.js';
import { ActiveHours } from './active-hours.js';
import type { MaintenanceWindowDocument } from './declared-baselines-schema.js';

/** One declared window, as inspect and explanations name it. */
export interface MaintenanceMatch {
  /** `2026-03-10T22:00:00Z–2026-03-11T02:00:00Z` or `weekly Sun 02:00-04:00`. */
  window: string;
  label?: string;
}

interface Span {
  fromMs: number;
  toMs: number;
  match: MaintenanceMatch;
}

/**
 * Declared maintenance windows of one agent (issue 14, item 7): absolute spans of event time, and
 * weekly windows in the agent's local time (compiled like activeHours, one bit per minute of the
 * week). Windows come from `baselines/` and are resolved again on restore, never snapshotted.
 */
export class MaintenanceWindows {
  private readonly spans: Span[] = [];
  private readonly weekly: { hours: ActiveHours; match: MaintenanceMatch }[] = [];

  /** Throws InvalidBaselinesError on an instant Date cannot read or an empty span (load-baselines reports it first, with the file). */
  constructor(windows: readonly MaintenanceWindowDocument[]) {
    for (const w of windows) {
      if ('weekly' in w) {
        this.weekly.push({ hours: new ActiveHours([w.weekly]), match: { window: `weekly ${w.weekly}`, ...(w.label !== undefined && { label: w.label }) } });
        continue;
      }
      const problem = spanProblem(w.from, w.to);
      if (problem !== undefined) throw new InvalidBaselinesError(`maintenance window: ${problem}`);
      this.spans.push({
        fromMs: Date.parse(w.from),
        toMs: Date.parse(w.to),
        match: { window: `${w.from}–${w.to}`, ...(w.label !== undefined && { label: w.label }) },
      });
    }
  }

  get size(): number {
    return this.spans.length + this.weekly.length;
  }

  /** The window covering event time `timeMs` (`localOffsetMs`: the agent's UTC offset then), if any. */
  covering(timeMs: number, localOffsetMs: number): MaintenanceMatch | undefined {
    for (const s of this.spans) if (timeMs >= s.fromMs && timeMs < s.toMs) return s.match;
    if (this.weekly.length === 0) return undefined;
    const minute = minuteOfWeek(timeMs + localOffsetMs);
    for (const w of this.weekly) if (w.hours.isActive(minute)) return w.match;
    return undefined;
  }

  /** Every window, for inspect. */
  get declared(): MaintenanceMatch[] {
    return [...this.spans.map((s) => s.match), ...this.weekly.map((w) => w.match)];
  }
}

/** Why an explicit window cannot be used, or undefined: both instants readable, `to` after `from`. */
export function spanProblem(from: string, to: string): string | undefined {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (!Number.isFinite(fromMs)) return `"${from}" is not a valid instant`;
  if (!Number.isFinite(toMs)) return `"${to}" is not a valid instant`;
  if (toMs <= fromMs) return `the window ends (${to}) before it starts (${from})`;
  return undefined;
}
