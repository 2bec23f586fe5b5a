import type { Alert } from '../../core/alerts/alert.js';
import type { Observation } from '../../core/detectors/detector.js';

/** An alert as `POST /api/v2/alerts` takes it (Alertmanager's `postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertmanagerMappingOptions {
  /** Wall clock, epoch ms: open alerts expire `ttlMs` after it unless re-sent. */
  nowMs: number;
  /** How long an open alert stays firing without a re-send (3× the re-send interval). */
  ttlMs: number;
  /**
   * Link back to the alert (absolute http(s) URL). `{alertId}` (or `{id}`), `{agentId}` and
   * `{detector}` are replaced (URL-encoded); without a placeholder, `alert_id=<id>` is added to the query.
   */
  generatorUrl?: string;
}

/** `rate_spike` → `AgentwatchRateSpike`: one Alertmanager alert name per detector. */
export function alertName(detector: string): string {
  return `Agentwatch${detector
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')}`;
}

/**
 * The identity of the alert in Alertmanager: only what does not change during an incident (the
 * numbers go to annotations), so re-sends, updates and the resolution land on the same
 * Alertmanager alert. Severity may rise in an update: the target then ends the old label set.
 */
export function alertmanagerLabels(alert: Alert): Record<string, string> {
  return {
    alertname: alertName(alert.detector),
    agent_id: alert.agentId,
    detector: alert.detector,
    severity: alert.severity,
    ...(alert.agentClass && { agent_class: alert.agentClass }),
    ...(alert.tenant && { tenant: alert.tenant }),
  };
}

/** `{eventsPerMinute: 412, failures: 0}` → `eventsPerMinute=412, failures=0`. */
export function formatObservation(o: Observation): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join(', ');
}

function description(alert: Alert): string {
  const who = [alert.agentClass && `class ${alert.agentClass}`, alert.tenant && `tenant ${alert.tenant}`].filter(Boolean).join(', ');
  const lines = [`${alert.detector} on agent ${alert.agentId}${who ? ` (${who})` : ''}: severity ${alert.severity}, score ${alert.score}.`];
  const ep = alert.episode;
  if (ep) {
    lines.push(
      `Incident: ${ep.count} trigger${ep.count === 1 ? '' : 's'} from ${ep.firstTime} to ${ep.lastTime}; peak score ${ep.peakScore} (${formatObservation(ep.peakObserved)}).`,
    );
    if (alert.status === 'resolved')
      lines.push(`Resolved at ${ep.resolvedTime ?? alert.time}${ep.resolution === 'normal' ? ': marked normal by an analyst' : ': quiet for the cooldown'}.`);
  }
  const b = alert.baseline;
  lines.push(`Baseline (${b.basis}${b.learning ? ', still learning' : ''}): ${b.events} events over ${b.days} days.`);
  return lines.join('\n');
}

/** The generator URL for one alert, or undefined when none is configured. */
export function generatorUrlFor(template: string | undefined, alert: Alert): string | undefined {
  if (!template) return undefined;
  const vars: Record<string, string> = { alertId: alert.id, id: alert.id, agentId: alert.agentId, detector: alert.detector };
  if (/\{(alertId|id|agentId|detector)\}/.test(template)) {
    return template.replace(/\{(alertId|id|agentId|detector)\}/g, (_, k: string) => encodeURIComponent(vars[k]!));
  }
  const url = new URL(template);
  url.searchParams.set('alert_id', alert.id);
  return url.toString();
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Maps one alert message to Alertmanager's format. `startsAt` is the incident's first trigger;
 * `endsAt` is, while open, a lease (`now + ttl`) that the re-sends extend, so alerts of a dead
 * agentwatch expire; once resolved, the resolution time (past: Alertmanager marks it resolved).
 * Event times ahead of the wall clock (skew) are held at `now`: Alertmanager rejects an end
 * before the start.
 */
export function toPostableAlert(alert: Alert, opts: AlertmanagerMappingOptions): PostableAlert {
  const firstMs = Date.parse(alert.episode?.firstTime ?? alert.time);
  const startsMs = Math.min(Number.isNaN(firstMs) ? opts.nowMs : firstMs, opts.nowMs);
  let endsMs: number;
  if (alert.status === 'resolved') {
    const resolvedMs = Date.parse(alert.episode?.resolvedTime ?? alert.time);
    endsMs = Math.max(Math.min(Number.isNaN(resolvedMs) ? opts.nowMs : resolvedMs, opts.nowMs), startsMs + 1);
  } else {
    endsMs = opts.nowMs + opts.ttlMs;
  }
  const annotations: Record<string, string> = {
    summary: alert.summary,
    description: description(alert),
    observed: formatObservation(alert.observed),
    expected: formatObservation(alert.expected),
    alert_id: alert.id,
    evidence: alert.evidence.join(', '),
    score: String(alert.score),
    status: alert.status ?? 'open',
  };
  if (alert.episode) {
    annotations['first_seen'] = alert.episode.firstTime;
    annotations['last_seen'] = alert.episode.lastTime;
    annotations['trigger_count'] = String(alert.episode.count);
  }
  const generatorURL = generatorUrlFor(opts.generatorUrl, alert);
  return { labels: alertmanagerLabels(alert), annotations, startsAt: iso(startsMs), endsAt: iso(endsMs), ...(generatorURL && { generatorURL }) };
}
