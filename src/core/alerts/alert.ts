import type { DetectorName, Observation, Severity } from '../detectors/detector.js';

/**
 * Where an alert message stands in its incident (episode). Every message of one incident carries
 * the same `id`; `episode.revision` orders them. Alerts without `status` are `open` (compatible
 * with consumers written before episodes existed).
 */
export const AlertStatus = { Open: 'open', Update: 'update', Resolved: 'resolved' } as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

export interface AlertEpisode {
  /** 0 for the opening message, then 1, 2, … for each update and the resolution. */
  revision: number;
  /** Triggers folded into the incident so far (the opening one included). */
  count: number;
  /** Event time of the first and latest trigger (RFC 3339). */
  firstTime: string;
  lastTime: string;
  /** Highest score and the observation that produced it. */
  peakScore: number;
  peakObserved: Observation;
  /** Event time at which the incident was declared over (quiet period elapsed); only when resolved. */
  resolvedTime?: string;
  /** Why it was resolved: quiet for the cooldown, or marked normal by an analyst. */
  resolution?: 'quiet' | 'normal';
}

/** The alert contract of DESIGN.md (fields may be added, never removed). */
export interface Alert {
  id: string;
  agentId: string;
  agentClass?: string;
  tenant?: string;
  detector: DetectorName;
  severity: Severity;
  score: number;
  /** Event time of the triggering event, RFC 3339. */
  time: string;
  /** When the engine emitted it: wall clock live; the event-time watermark in replay (deterministic). */
  detectedAt: string;
  summary: string;
  observed: Observation;
  expected: Observation;
  evidence: readonly string[];
  /** basis: what judged it: the agent's learned baseline, declarations, or its peer group's (`class`) while it learns. */
  baseline: { events: number; days: number; learning: boolean; basis: 'learned' | 'declared' | 'class' };
  /** Id of the event that triggered the alert. */
  eventId: string;
  /** Lifecycle of the incident: `open` (default when absent), `update`, `resolved`. */
  status?: AlertStatus;
  episode?: AlertEpisode;
}
