import { type DetectorName, type Observation, type Severity } from '../detectors/detector.js';

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
}
