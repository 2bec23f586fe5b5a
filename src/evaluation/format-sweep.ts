import { formatDelay } from './detection-delay.js';
import type { SweepResult } from './parameter-sweep.js';

function table(header: string[], rows: string[][], leftColumns: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

const perDay = (x: number | undefined): string => (x === undefined || x === 0 ? '0' : x < 0.01 ? '<0.01' : x.toFixed(2));

/**
 * The sweep as a person reads it: one row per setting, opening alerts per day by detector and in
 * total, then (with labels) recall, precision and median detection delay. `*` marks the setting
 * equal to the configuration in use.
 */
export function formatSweep(r: SweepResult): string {
  const detectors = [
    ...new Set(
      r.settings.flatMap((s) => [...Object.keys(s.alertsByDetector), ...(s.score?.byDetector.filter((d) => d.labels > 0).map((d) => d.detector) ?? [])]),
    ),
  ].sort();
  // Detectors that raise the same in every setting are listed once under the table: the
  // columns left are what the swept keys change.
  const varies = (d: string) => new Set(r.settings.map((s) => s.alertsByDetector[d] ?? 0)).size > 1;
  const constant = r.settings.length > 1 ? detectors.filter((d) => !varies(d)) : [];
  const shown = detectors.filter((d) => !constant.includes(d));
  const labelled = r.settings.some((s) => s.score);
  const keys = r.keys.map((k) => k.split('.').slice(-2).join('.'));
  const header = [...keys, '', ...shown, 'total/day', 'alerts'];
  if (labelled) header.push('recall', 'precision', 'median delay');
  const rows = r.settings.map((s) => {
    const row = [
      ...r.keys.map((k) => String(s.values[k])),
      s.isBase ? '*' : '',
      ...shown.map((d) => perDay(s.alertsPerDay[d])),
      perDay(s.totalPerDay),
      String(s.alerts),
    ];
    if (s.score)
      row.push(s.score.labels ? s.score.recall.toFixed(2) : '-', s.alerts ? s.score.precision.toFixed(2) : '-', formatDelay(s.score.medianDelaySeconds));
    return row;
  });
  const out = [
    `Swept ${r.settings.length} setting${r.settings.length === 1 ? '' : 's'} over ${r.accepted.toLocaleString('en-US')} events (${r.days} days${r.firstEventTime ? `, ${r.firstEventTime} → ${r.lastEventTime}` : ''}) in ${(r.elapsedMs / 1000).toFixed(1)} s on ${r.jobs} thread${r.jobs === 1 ? '' : 's'}.`,
    `Opening alerts per day by detector${labelled ? `; scored against ${r.settings[0]?.score?.labels ?? 0} labels` : ''}:`,
    '',
    ...table(header, rows, keys.length + 1),
  ];
  const first = r.settings[0];
  if (constant.length && first) out.push('', `Same in every setting (alerts/day): ${constant.map((d) => `${d} ${perDay(first.alertsPerDay[d])}`).join(', ')}.`);
  if (r.settings.some((s) => s.isBase)) out.push('', '* the configuration in use');
  if (labelled) {
    out.push(
      'recall: labels with an alert of their detector and agent; precision: alerts inside a labelled anomaly of their agent; delay: label start to first alert.',
    );
  }
  return out.join('\n');
}
