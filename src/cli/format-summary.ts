import { SEVERITY_ORDER } from '../core/detectors/detector.js';
import type { ReplaySummary } from '../pipeline/replay.js';
import { escapeControls, topCounts } from '../core/escape-controls.js';
import type { EngineSettings } from '../core/engine-settings.js';
import { learningHint } from './learning-hint.js';

/** Reason and format names can come from events: bounded in number, escaped, counted. */
function countList(counts: Record<string, number>, n: (x: number) => string): string {
  const { entries, more, moreCount } = topCounts(counts);
  const list = entries.map(([r, c]) => `${r}: ${n(c)}`);
  if (more > 0) list.push(`${n(more)} more (${n(moreCount)})`);
  return list.join(', ');
}

/**
 * The end-of-replay summary a person reads: volumes, rejects, and alerts by detector and
 * severity; with the engine settings, why it is quiet when most agents are still learning.
 */
export function formatSummary(s: ReplaySummary, engine?: EngineSettings): string {
  const out: string[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  out.push(`Replayed ${n(s.accepted)} events from ${s.files} file(s) in ${(s.elapsedMs / 1000).toFixed(1)} s (${n(s.eventsPerSecond)} events/s).`);
  if (s.firstEventTime) out.push(`Event time: ${s.firstEventTime} → ${s.lastEventTime}`);
  out.push(`Agents: ${n(s.agents)} (${n(s.learningAgents)} still learning).  Late events (beyond the reorder window): ${n(s.lateEvents)}.`);
  if (s.duplicates > 0) out.push(`Duplicates (same id and time for the same agent, learned once): ${n(s.duplicates)}.`);
  const formats = Object.entries(s.formats).filter(([f]) => f !== 'native');
  if (formats.length > 0) {
    const { entries, more } = topCounts(s.formats);
    out.push(`Formats: ${[...entries.map(([f, c]) => `${f} (${n(c)} file${c === 1 ? '' : 's'})`), ...(more > 0 ? [`${n(more)} more`] : [])].join(', ')}.`);
  }
  if (Object.keys(s.skipped).length > 0) out.push(`Skipped (valid records with nothing to detect on): ${countList(s.skipped, n)}.`);
  if (rejected > 0) {
    out.push(`Rejected: ${n(rejected)} (${countList(s.rejected, n)}).`);
  }
  out.push('');
  const detectors = Object.keys(s.alertsByDetector).sort();
  const name = (d: string) => escapeControls(d);
  if (detectors.length === 0) {
    out.push('No alerts.');
  } else {
    const header = ['detector', ...SEVERITY_ORDER, 'total'];
    const rows = detectors.map((d) => {
      const by = s.alertsByDetector[d] ?? {};
      const counts = SEVERITY_ORDER.map((sev) => by[sev] ?? 0);
      return [name(d), ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
    });
    const totals = SEVERITY_ORDER.map((sev) => detectors.reduce((a, d) => a + (s.alertsByDetector[d]?.[sev] ?? 0), 0));
    rows.push(['total', ...totals.map(String), String(s.alerts)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    out.push(fmt(header), ...rows.map(fmt));
    out.push(
      `(${n(s.incidentUpdates)} further triggers folded into open incidents by the cooldown; ${n(s.updates)} updates and ${n(s.resolved)} resolutions sent with the same ids)`,
    );
  }
  if (engine !== undefined) {
    const hint = learningHint(s, engine);
    if (hint.length > 0) out.push('', ...hint);
  }
  if (s.verdictsApplied > 0 || s.suppressed > 0) {
    out.push(`Feedback: ${n(s.verdictsApplied)} verdicts applied; ${n(s.suppressed)} findings suppressed as patterns marked normal.`);
  }
  if (s.graceHeld)
    out.push(
      `Grace: ${n(s.graceHeld)} learned alerts held back after deploys or in maintenance windows, their traffic learned as normal (per agent: agentwatch inspect).`,
    );
  return out.join('\n');
}
