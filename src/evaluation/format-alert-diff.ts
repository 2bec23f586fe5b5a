import { type DiffExample, type DiffGroup, type SeverityChangeExample, escalated } from './alert-diff.js';
import type { ConfigDiffResult } from './config-diff.js';
import { escapeControls } from '../core/escape-controls.js';

const clip = (s: string | undefined, n = 180) => (s === undefined ? '' : s.length > n ? `${s.slice(0, n - 1)}…` : s);

function section<E>(title: string, groups: DiffGroup<E>[], line: (e: E) => string): string[] {
  const total = groups.reduce((n, g) => n + g.count, 0);
  if (total === 0) return [`${title}: none`];
  const out = [`${title} (${total}):`];
  let detector = '';
  for (const g of groups) {
    if (g.detector !== detector) {
      detector = g.detector;
      out.push(`  ${detector} (${groups.filter((x) => x.detector === detector).reduce((n, x) => n + x.count, 0)})`);
    }
    out.push(`    ${g.agentId} (${g.count})`);
    for (const e of g.examples) out.push(`      ${line(e)}`);
    if (g.count > g.examples.length) out.push(`      … ${g.count - g.examples.length} more`);
  }
  return out;
}

/** The diff as a SOC engineer reads it: totals by detector, then each change grouped by detector and agent with examples. */
export function formatConfigDiff(r: ConfigDiffResult): string {
  const out = [
    `A: ${r.a.label}`,
    `B: ${r.b.label}`,
    `Replayed ${r.accepted.toLocaleString('en-US')} events${r.firstEventTime ? ` (${r.firstEventTime} → ${r.lastEventTime})` : ''} under both in ${(r.elapsedMs / 1000).toFixed(1)} s.`,
    `Opening alerts: A ${r.alertsA}, B ${r.alertsB}; in both ${r.matchedById + r.matchedByWindow} (${r.matchedById} same id, ${r.matchedByWindow} same agent and detector nearby in time).`,
    '',
  ];
  if (r.a.digest === r.b.digest) out.push('A and B raise exactly the same alerts.', '');
  const header = ['detector', 'A', 'B', 'appeared', 'disappeared', 'severity changed'];
  const rows = r.byDetector.map((d) => [d.detector, String(d.a), String(d.b), String(d.appeared), String(d.disappeared), String(d.severityChanged)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  if (rows.length) out.push(fmt(header), ...rows.map(fmt), '');
  const shown = (e: DiffExample) => `${e.time}  ${e.severity.padEnd(8)}  ${clip(e.summary)}`;
  out.push(...section('Appeared in B', r.appeared, shown), '');
  out.push(...section('Disappeared in B', r.disappeared, shown), '');
  out.push(
    ...section(
      'Severity changed',
      r.severityChanged,
      (e: SeverityChangeExample) => `${e.time}  ${e.from} ${escalated(e) ? '↑' : '↓'} ${e.to}  ${clip(e.summary)}`,
    ),
  );
  // Agent ids, resources and summaries come from events: each line is escaped for the terminal.
  return out.map(escapeControls).join('\n');
}
