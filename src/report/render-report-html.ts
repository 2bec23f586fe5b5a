import { escapeHtml as esc } from './html-escape.js';
import { type AgentPanel, type Incident, MAX_RANGE_MS, type ReportData } from './report-data.js';
import { agentBar, agentRateChart, detectorColor, stackedBarChart } from './svg-charts.js';
import { own } from '../core/own-property.js';

export interface ReportSources {
  alertsFile: string;
  stateFile?: string;
  stateAgents?: number;
  stateLastEventTime?: string;
  eventFiles?: readonly string[];
  /** Wall clock of generation (shown only). */
  generatedAt: string;
  agentwatchVersion: string;
}

const SEVERITY_COLORS: Record<string, string> = { critical: '#c92a2a', high: '#e8590c', medium: '#f59f00', low: '#868e96' };
const MAX_ALERTS_PER_PANEL = 12;

// No external resource of any kind: the page must open from a file with no network. The
// policy forbids every load (scripts included), so even a string that escaped escaping could
// not fetch or run anything.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { --fg: #212529; --muted: #6c757d; --line: #dee2e6; --bg: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); background: var(--bg); }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { margin: 28px 0 10px; font-size: 18px; }
h3 { margin: 22px 0 4px; font-size: 15px; word-break: break-all; }
main { padding: 0 32px 40px; max-width: 1100px; }
.meta, .note { color: var(--muted); font-size: 12.5px; margin: 2px 0; word-break: break-all; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 130px; background: #fff; }
.card .n { font-size: 24px; font-weight: 600; }
.card .l { color: var(--muted); font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg .grid { stroke: #f1f3f5; }
svg .axis { stroke: #adb5bd; }
svg .tick, svg .unit, svg .legend { font-size: 11px; fill: #495057; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--bg); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.id { word-break: break-all; max-width: 360px; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 11.5px; }
.det { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; }
.panel { border-top: 1px solid var(--line); margin-top: 20px; }
.summary { max-width: 640px; }
`;

// An alert's time is the event's: it may be no date at all (toISOString would throw).
const when = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : 'invalid time');
const sev = (s: string) => `<span class="sev" style="background:${own(SEVERITY_COLORS, s) ?? '#868e96'}">${esc(s)}</span>`;
const det = (d: string, all: readonly string[]) => `<span class="det" style="background:${detectorColor(d, all)}"></span>${esc(d)}`;

function card(n: number | string, label: string): string {
  return `<div class="card"><div class="n">${esc(n)}</div><div class="l">${esc(label)}</div></div>`;
}

function incidentRows(list: readonly Incident[], all: readonly string[], withAgent: boolean): string {
  return list
    .map(
      (i) =>
        `<tr><td class="when">${esc(when(i.timeMs))}</td>${withAgent ? `<td class="id">${esc(i.agentId)}</td>` : ''}<td>${det(i.detector, all)}</td><td>${sev(i.severity)}</td><td>${i.resolvedMs !== undefined ? `resolved ${esc(when(i.resolvedMs))}` : 'open'}${i.updates > 0 ? `, ${i.updates} message${i.updates === 1 ? '' : 's'} after` : ''}</td><td class="summary">${esc(i.summary)}</td></tr>`,
    )
    .join('');
}

function panelHtml(p: AgentPanel, data: ReportData): string {
  const range = data.range as NonNullable<ReportData['range']>;
  const about = [
    p.agentClass && `peer group ${p.agentClass}`,
    `${p.incidents.length} alert${p.incidents.length === 1 ? '' : 's'}`,
    p.learning === true ? 'still learning at the end of the state' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const noState = data.stateGiven ? 'The state does not know this agent' : 'No state given (--state)';
  const bandNote = {
    state:
      "Band and threshold: what the saved state had learned for each hour of this agent's week (as of the state's last event, applied to the whole period).",
    alerts: `${noState}: the only learned values shown are the rate_spike thresholds reported by its alerts.`,
    none: `${noState}, and it raised no rate alert: no learned band to show.`,
  }[p.band];
  const observed = p.hours.some((h) => h.peakPerMinute !== undefined);
  const eventsNote = observed
    ? ''
    : data.eventsCounted
      ? ' No event of this agent in the event files: no observed rate.'
      : ' No event files given (--events): no observed rate.';
  const shown = p.incidents.slice(-MAX_ALERTS_PER_PANEL).reverse();
  const more = p.incidents.length - shown.length;
  return `<div class="panel" data-agent="${esc(p.agentId)}"><h3>${esc(p.agentId)}</h3><p class="meta">${esc(about)}</p>${agentRateChart(p, range.fromMs, range.toMs, data.detectors)}<p class="note">${esc(bandNote + eventsNote)}</p><table><thead><tr><th>time (UTC)</th><th>detector</th><th>severity</th><th>status</th><th>summary</th></tr></thead><tbody>${incidentRows(shown, data.detectors, false)}</tbody></table>${more > 0 ? `<p class="note">… ${more} earlier alert${more === 1 ? '' : 's'}</p>` : ''}</div>`;
}

/** The whole report as one self-contained HTML document (inline CSS and SVG, no script, no external resource). */
export function renderReportHtml(data: ReportData, src: ReportSources): string {
  const s = data.summary;
  const period = data.range ? `${when(data.range.fromMs)} – ${when(data.range.toMs)} UTC` : 'no alerts';
  const meta = [
    `Alerts: ${src.alertsFile}`,
    src.stateFile && `State: ${src.stateFile} (${src.stateAgents ?? 0} agents, learned up to ${src.stateLastEventTime ?? 'unknown'})`,
    src.eventFiles?.length && `Events: ${src.eventFiles.join(', ')}`,
    `Period: ${period}`,
    data.range?.outside &&
      `${data.range.outside} alert${data.range.outside === 1 ? '' : 's'} dated outside this period (charts cover at most ${Math.round(MAX_RANGE_MS / 86_400_000)} days: the busiest stretch), still listed below`,
    `Generated ${src.generatedAt} by agentwatch ${src.agentwatchVersion}`,
  ].filter(Boolean) as string[];
  const cards = [
    card(s.incidents, 'alerts (incidents)'),
    ...(['critical', 'high', 'medium', 'low'] as const).map((k) => card(s.bySeverity[k], k)),
    card(s.agentsAlerting, s.agentsKnown !== undefined ? `agents alerting, of ${s.agentsKnown} known` : 'agents alerting'),
    card(s.resolved, 'resolved'),
    card(s.stillOpen, 'still open at the end'),
  ].join('');
  const maxAgent = data.noisiest[0]?.incidents ?? 1;
  const noisy = data.noisiest
    .slice(0, 20)
    .map(
      (n) =>
        `<tr><td class="id">${esc(n.agentId)}</td><td>${esc(n.agentClass ?? '')}</td><td class="num">${n.incidents}</td><td>${sev(n.worst)}</td><td>${agentBar(n.byDetector, data.detectors, maxAgent)}</td><td>${Object.entries(
          n.byDetector,
        )
          .map(([d, c]) => `${esc(d)} ${c}`)
          .join(', ')}</td></tr>`,
    )
    .join('');
  const body = data.range
    ? `<h2>Alerts over time, by detector</h2><p class="note">Alerts opened per ${data.timeline.bucketMs >= 86_400_000 ? 'day' : 'hour'} (UTC); updates and resolutions of an incident are not counted again. Hover a bar for its count.</p>${stackedBarChart(data.timeline.buckets, data.detectors, data.timeline.bucketMs)}
<h2>Noisiest agents</h2><table class="noisiest"><thead><tr><th>agent</th><th>peer group</th><th>alerts</th><th>worst</th><th>by detector</th><th></th></tr></thead><tbody>${noisy}</tbody></table>${data.noisiest.length > 20 ? `<p class="note">… ${data.noisiest.length - 20} more agents</p>` : ''}
<h2>Rates against the learned band</h2><p class="note">The ${data.panels.length} noisiest agents, hour by hour (UTC). Hover a marker for its alert.</p>${data.panels.map((p) => panelHtml(p, data)).join('')}
<h2>All alerts</h2><table class="incidents"><thead><tr><th>time (UTC)</th><th>agent</th><th>detector</th><th>severity</th><th>status</th><th>summary</th></tr></thead><tbody>${incidentRows(data.incidents, data.detectors, true)}</tbody></table>${data.incidentsNotListed > 0 ? `<p class="note">… ${data.incidentsNotListed} older alerts not listed</p>` : ''}`
    : '<h2>No alerts</h2><p>The alerts file holds no alert.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`agentwatch report: ${s.incidents} alerts, ${period}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>agentwatch report</h1>${meta.map((m) => `<p class="meta">${esc(m)}</p>`).join('')}<div class="cards">${cards}</div></header>
<main>
${body}
</main>
</body>
</html>
`;
}
