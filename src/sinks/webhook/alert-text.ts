import type { Alert } from '../../core/alerts/alert.js';
import type { Observation } from '../../core/detectors/detector.js';

/**
 * Words a person reads in chat (Slack, Teams): the incident's state, what, who, compared with what.
 * These are raw (event text included); each chat format escapes them by its own rules.
 */
export function alertHeadline(alert: Alert): string {
  const state = alert.status === 'resolved' ? 'Resolved' : alert.status === 'update' ? 'Update' : 'New';
  return `${state}: ${alert.severity.toUpperCase()} ${alert.detector.replaceAll('_', ' ')} on ${alert.agentId}`;
}

export function formatObservation(o: Observation): string {
  return Object.entries(o)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

/** Label/value pairs shown under the summary, most useful first. */
export function alertFacts(alert: Alert): [string, string][] {
  const facts: [string, string][] = [
    ['Agent', alert.agentClass ? `${alert.agentId} (${alert.agentClass})` : alert.agentId],
    ['Severity', `${alert.severity} (score ${alert.score})`],
    ['Observed', formatObservation(alert.observed) || '—'],
    ['Expected', formatObservation(alert.expected) || '—'],
    ['Event time', alert.time],
  ];
  const e = alert.episode;
  if (e) {
    facts.push(['Incident', `${e.count} trigger${e.count === 1 ? '' : 's'}, ${e.firstTime} → ${e.lastTime}, peak score ${e.peakScore}`]);
    if (alert.status === 'resolved')
      facts.push(['Resolved', `${e.resolvedTime ?? ''} (${e.resolution === 'normal' ? 'marked normal by an analyst' : 'quiet period over'})`]);
  }
  if (alert.tenant) facts.push(['Tenant', alert.tenant]);
  facts.push(['Alert id', alert.id]);
  return facts;
}

/** Chat services cap field lengths; an oversized observation must not make the whole message bounce. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
