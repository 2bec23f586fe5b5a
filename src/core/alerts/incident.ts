import { type Finding, SEVERITY_ORDER } from '../detectors/detector.js';
import type { AuditEvent } from '../events/audit-event.js';
import type { Alert } from './alert.js';

/**
 * One incident (episode) of a detector for one agent: opened by a trigger, folded with later
 * triggers within the cooldown, resolved after `cooldownMs` of quiet event time. Every message
 * about it (open, update, resolved) carries the opening alert's id.
 * Fields after `count` are absent in snapshots written before episodes existed.
 */
export interface OpenIncident {
  alertId: string;
  openedMs: number;
  lastMs: number;
  count: number;
  /** Revision of the last message sent (0 = the opening alert). */
  revision?: number;
  /** Event time of the trigger behind the last message sent. */
  emittedMs?: number;
  /** Triggers folded since the last message. */
  pending?: number;
  peakScore?: number;
  resolved?: boolean;
  /** The last message sent: the base of updates and of the resolution; dropped once resolved. */
  last?: Alert;
  /** What feedback on this alert would accept or unlearn (see feedback/finding-pattern.ts). */
  pattern?: string;
  magnitude?: number;
  /** Marked normal by an analyst: later triggers within the cooldown fold into it silently. */
  acceptedNormal?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What raised a finding: an event, or a tick of the event-time clock (then the event it is about). */
export type Trigger = Pick<AuditEvent, 'id' | 'timeMs'>;

/** The opening message's episode block; the incident record keeps the rest. */
export function openEpisode(alert: Alert, incident: OpenIncident): Alert {
  incident.revision = 0;
  incident.emittedMs = incident.openedMs;
  incident.pending = 0;
  incident.peakScore = alert.score;
  alert.status = 'open';
  alert.episode = { revision: 0, count: 1, firstTime: alert.time, lastTime: alert.time, peakScore: alert.score, peakObserved: alert.observed };
  incident.last = alert;
  return alert;
}

/**
 * Folds a trigger into the incident. Returns the update message when one is due: at once when
 * the severity rises, otherwise once `updateIntervalMs` of event time has passed since the last
 * message (so a long spike is reported as it grows, not once per bucket).
 */
export function foldTrigger(
  incident: OpenIncident,
  finding: Finding,
  event: Trigger,
  detectedAtMs: number,
  updateIntervalMs: number,
  updates: boolean,
): Alert | undefined {
  incident.count++;
  incident.lastMs = Math.max(incident.lastMs, event.timeMs);
  incident.pending = (incident.pending ?? 0) + 1;
  const last = incident.last;
  if (last === undefined || last.episode === undefined) return undefined;
  const peak = finding.score > (incident.peakScore ?? 0);
  if (peak) incident.peakScore = finding.score;
  const escalated = SEVERITY_ORDER.indexOf(finding.severity) > SEVERITY_ORDER.indexOf(last.severity);
  const episode = {
    ...last.episode,
    count: incident.count,
    lastTime: iso(incident.lastMs),
    ...(peak && { peakScore: finding.score, peakObserved: finding.observed }),
  };
  if (!updates || (!escalated && event.timeMs - (incident.emittedMs ?? incident.openedMs) < updateIntervalMs)) {
    // Remembered for the next message, so it carries the peak even if this trigger sends none.
    incident.last = { ...last, episode };
    return undefined;
  }
  incident.revision = (incident.revision ?? 0) + 1;
  incident.emittedMs = event.timeMs;
  incident.pending = 0;
  const update: Alert = {
    ...last,
    severity: escalated ? finding.severity : last.severity,
    score: Math.max(last.score, finding.score),
    time: iso(event.timeMs),
    detectedAt: iso(detectedAtMs),
    summary: finding.summary,
    observed: finding.observed,
    expected: finding.expected,
    evidence: finding.evidence,
    eventId: event.id,
    status: 'update',
    episode: { ...episode, revision: incident.revision },
  };
  incident.last = update;
  return update;
}

/** Whether the incident is over at event time `nowMs`: quiet for the whole cooldown. */
export function isQuiet(incident: OpenIncident, nowMs: number, cooldownMs: number): boolean {
  return incident.resolved !== true && nowMs - incident.lastMs > cooldownMs;
}

/**
 * Closes the incident; returns the `resolved` message (undefined for incidents restored from a
 * snapshot written before episodes existed, which have nothing to resolve with).
 */
export function resolveIncident(incident: OpenIncident, resolvedMs: number, detectedAtMs: number, resolution: 'quiet' | 'normal'): Alert | undefined {
  incident.resolved = true;
  const last = incident.last;
  incident.last = undefined;
  if (last === undefined || last.episode === undefined) return undefined;
  incident.revision = (incident.revision ?? 0) + 1;
  const summary =
    resolution === 'normal'
      ? `Resolved: an analyst marked it normal. ${last.summary}`
      : `Resolved after ${incident.count} trigger${incident.count === 1 ? '' : 's'}, quiet since ${iso(incident.lastMs)}. ${last.summary}`;
  return {
    ...last,
    time: iso(resolvedMs),
    detectedAt: iso(detectedAtMs),
    summary,
    status: 'resolved',
    episode: { ...last.episode, revision: incident.revision, count: incident.count, lastTime: iso(incident.lastMs), resolvedTime: iso(resolvedMs), resolution },
  };
}
