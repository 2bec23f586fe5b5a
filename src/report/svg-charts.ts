import { escapeHtml as esc } from './html-escape.js';
import type { AgentPanel, HourPoint, Incident, TimelineBucket } from './report-data.js';
import type { DetectorName } from '../core/detectors/detector.js';
import { own } from '../core/own-property.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** One colour per detector, distinct from each other and from the fallbacks (test/report/svg-charts.test.ts). */
const PALETTE: Readonly<Record<DetectorName, string>> = {
  rate_spike: '#d9480f',
  rate_drop: '#0b7285',
  new_sensitive_resource: '#7048e8',
  new_sensitive_action: '#9c36b5',
  new_tool_target: '#d6336c',
  new_tool_transition: '#74b816',
  off_hours: '#1c7ed6',
  multi_location: '#0ca678',
  new_permission: '#f08c00',
  error_rate: '#c2255c',
  policy_violation: '#495057',
};
/** For a detector this build does not know (alerts from a newer version). */
const FALLBACK = ['#5c940d', '#862e9c', '#1098ad', '#a61e4d', '#364fc7'];

export const DETECTOR_PALETTE: Readonly<Record<string, string>> = PALETTE;
export const FALLBACK_COLORS: readonly string[] = FALLBACK;

export function detectorColor(detector: string, all: readonly string[] = []): string {
  return own(PALETTE, detector) ?? (FALLBACK[Math.max(0, all.indexOf(detector)) % FALLBACK.length] as string);
}

const f = (x: number) => (Math.round(x * 10) / 10).toString();

/** Round tick steps (1, 2, 5 × 10^k) from 0 to at least `max`. */
export function niceTicks(max: number, count = 4, integers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(integers ? 1 : 0, ([1, 2, 5, 10].find((m) => m * mag >= raw) as number) * mag);
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

function timeLabel(ms: number, stepMs: number): string {
  const iso = new Date(ms).toISOString();
  return stepMs >= DAY_MS ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function yAxis(fr: Frame, ticks: number[], y: (v: number) => number, unit: string): string {
  const lines = ticks.map(
    (t) =>
      `<line class="grid" x1="${fr.left}" x2="${fr.width - fr.right}" y1="${f(y(t))}" y2="${f(y(t))}"/><text class="tick" x="${fr.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${esc(t)}</text>`,
  );
  return `${lines.join('')}<text class="unit" x="4" y="${fr.top - 10}">${esc(unit)}</text>`;
}

function xAxis(fr: Frame, fromMs: number, toMs: number, x: (ms: number) => number, labelStepMs: number): string {
  const span = Math.max(toMs - fromMs, 1);
  const maxLabels = Math.max(2, Math.floor((fr.width - fr.left - fr.right) / 90));
  let step = labelStepMs;
  while (span / step > maxLabels) step *= step >= DAY_MS ? 2 : step >= 6 * HOUR_MS ? 2 : 3;
  const out: string[] = [];
  // A label centred on the right edge would be cut: the last one stays a half-label inside.
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs && x(t) <= fr.width - fr.right - 30; t += step) {
    out.push(`<text class="tick" x="${f(x(t))}" y="${fr.height - fr.bottom + 16}" text-anchor="middle">${esc(timeLabel(t, labelStepMs))}</text>`);
  }
  return `<line class="axis" x1="${fr.left}" x2="${fr.width - fr.right}" y1="${fr.height - fr.bottom}" y2="${fr.height - fr.bottom}"/>${out.join('')}`;
}

function legend(items: { label: string; color: string; kind: 'box' | 'line' | 'dash' | 'band' | 'dot' }[], x0: number, y: number): string {
  let x = x0;
  return items
    .map((it) => {
      const mark = {
        box: `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${it.color}"/>`,
        line: `<line x1="${x}" x2="${x + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${it.color}" stroke-width="2"/>`,
        dash: `<line x1="${x}" x2="${x + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${it.color}" stroke-width="2" stroke-dasharray="4 3"/>`,
        band: `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${it.color}" opacity="0.35"/>`,
        dot: `<circle cx="${x + 5}" cy="${y - 4}" r="4" fill="${it.color}"/>`,
      }[it.kind];
      const out = `<g class="legend-item">${mark}<text class="legend" x="${x + 18}" y="${y}">${esc(it.label)}</text></g>`;
      x += 26 + it.label.length * 6.4;
      return out;
    })
    .join('');
}

/** Alerts per hour or per day, stacked by detector. */
export function stackedBarChart(buckets: readonly TimelineBucket[], detectors: readonly string[], bucketMs: number, width = 960, height = 260): string {
  const fr: Frame = { width, height, left: 44, right: 12, top: 44, bottom: 28 };
  const totals = buckets.map((b) => Object.values(b.byDetector).reduce((n, v) => n + v, 0));
  const ticks = niceTicks(
    totals.reduce((m, v) => (v > m ? v : m), 1),
    4,
    true,
  );
  const top = ticks.at(-1) as number;
  const plotW = width - fr.left - fr.right;
  const plotH = height - fr.top - fr.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const y = (v: number) => fr.top + plotH - (v / top) * plotH;
  const from = buckets[0]?.startMs ?? 0;
  const x = (ms: number) => fr.left + ((ms - from) / bucketMs) * slot;
  const bars: string[] = [];
  buckets.forEach((b, i) => {
    let acc = 0;
    for (const d of detectors) {
      const n = b.byDetector[d] ?? 0;
      if (n === 0) continue;
      const y0 = y(acc);
      const y1 = y(acc + n);
      acc += n;
      bars.push(
        `<rect class="bar" data-detector="${esc(d)}" x="${f(fr.left + i * slot + slot * 0.1)}" y="${f(y1)}" width="${f(Math.max(1, slot * 0.8))}" height="${f(y0 - y1)}" fill="${detectorColor(d, detectors)}"><title>${esc(`${timeLabel(b.startMs, bucketMs)}${bucketMs < DAY_MS ? ' UTC' : ''}: ${d} ${n}`)}</title></rect>`,
      );
    }
  });
  const to = from + buckets.length * bucketMs;
  return `<svg class="chart timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="Alerts per ${bucketMs >= DAY_MS ? 'day' : 'hour'} by detector">${legend(
    detectors.map((d) => ({ label: d, color: detectorColor(d, detectors), kind: 'box' })),
    fr.left,
    16,
  )}${yAxis(fr, ticks, y, 'alerts')}${bars.join('')}${xAxis(fr, from, to, x, bucketMs)}</svg>`;
}

/** One agent's alerts as a horizontal bar stacked by detector (the noisiest-agents table). */
export function agentBar(byDetector: Readonly<Record<string, number>>, detectors: readonly string[], max: number, width = 260, height = 14): string {
  let x = 0;
  const parts: string[] = [];
  for (const d of detectors) {
    const n = byDetector[d] ?? 0;
    if (n === 0) continue;
    const w = (n / Math.max(1, max)) * width;
    parts.push(
      `<rect class="agent-bar" data-detector="${esc(d)}" x="${f(x)}" y="0" width="${f(w)}" height="${height}" fill="${detectorColor(d, detectors)}"><title>${esc(`${d}: ${n}`)}</title></rect>`,
    );
    x += w;
  }
  return `<svg class="bar-cell" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function stepPath(points: readonly HourPoint[], value: (p: HourPoint) => number | undefined, x: (ms: number) => number, y: (v: number) => number): string {
  const segs: string[] = [];
  let open = false;
  for (const p of points) {
    const v = value(p);
    if (v === undefined) {
      open = false;
      continue;
    }
    segs.push(`${open ? 'L' : 'M'}${f(x(p.startMs))} ${f(y(v))}L${f(x(p.startMs + HOUR_MS))} ${f(y(v))}`);
    open = true;
  }
  return segs.join('');
}

/** The band between two step series (learned normal), as one closed path per contiguous run. */
function bandPath(points: readonly HourPoint[], x: (ms: number) => number, y: (v: number) => number): string {
  const runs: HourPoint[][] = [];
  let run: HourPoint[] = [];
  for (const p of points) {
    if (p.usualPeakPerMinute === undefined) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length) runs.push(run);
  return runs
    .map((r) => {
      const upper = r
        .map((p) => `${f(x(p.startMs))} ${f(y(p.usualPeakPerMinute as number))}L${f(x(p.startMs + HOUR_MS))} ${f(y(p.usualPeakPerMinute as number))}`)
        .join('L');
      const lower = r
        .slice()
        .reverse()
        .map((p) => `${f(x(p.startMs + HOUR_MS))} ${f(y(p.typicalPerMinute ?? 0))}L${f(x(p.startMs))} ${f(y(p.typicalPerMinute ?? 0))}`)
        .join('L');
      return `M${upper}L${lower}Z`;
    })
    .join('');
}

/**
 * One agent over time, per hour: its observed rate (busiest minute, and mean) against its learned
 * band (usual mean to usual busiest minute for that hour of its week) and the rate_spike
 * threshold, with its alerts marked.
 */
export function agentRateChart(panel: AgentPanel, fromMs: number, toMs: number, detectors: readonly string[], width = 960, height = 240): string {
  const fr: Frame = { width, height, left: 44, right: 12, top: 44, bottom: 28 };
  const hours = panel.hours;
  const start = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const end = Math.max(start + HOUR_MS, Math.ceil((toMs + 1) / HOUR_MS) * HOUR_MS);
  const values = hours
    .flatMap((p) => [p.peakPerMinute ?? 0, p.usualPeakPerMinute ?? 0, p.alertAbovePerMinute ?? 0])
    .concat(panel.alertThresholds.map((t) => t.thresholdPerMinute));
  // A loop, not Math.max(...values): a spread of one argument per point overflows the stack.
  const ticks = niceTicks(values.reduce((m, v) => (v > m ? v : m), 1) * 1.05);
  const top = ticks.at(-1) as number;
  const plotW = width - fr.left - fr.right;
  const plotH = height - fr.top - fr.bottom;
  const x = (ms: number) => fr.left + ((ms - start) / (end - start)) * plotW;
  const y = (v: number) => fr.top + plotH - (Math.min(v, top) / top) * plotH;
  const parts: string[] = [yAxis(fr, ticks, y, 'events/min')];
  const items: Parameters<typeof legend>[0] = [];
  if (panel.band === 'state') {
    parts.push(`<path class="band" d="${bandPath(hours, x, y)}" fill="#2f9e44" opacity="0.22"/>`);
    parts.push(
      `<path class="threshold" d="${stepPath(hours, (p) => p.alertAbovePerMinute, x, y)}" fill="none" stroke="#e03131" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    );
    items.push(
      { label: 'learned normal (mean … usual busiest minute)', color: '#2f9e44', kind: 'band' },
      { label: 'rate_spike threshold', color: '#e03131', kind: 'dash' },
    );
  } else if (panel.band === 'alerts') {
    for (const t of panel.alertThresholds) {
      parts.push(
        `<line class="alert-threshold" x1="${f(x(t.timeMs) - 6)}" x2="${f(x(t.timeMs) + 6)}" y1="${f(y(t.thresholdPerMinute))}" y2="${f(y(t.thresholdPerMinute))}" stroke="#e03131" stroke-width="2"><title>${esc(`threshold ${t.thresholdPerMinute}/min, usual peak ${t.typicalPeakPerMinute}/min`)}</title></line>`,
      );
    }
    items.push({ label: 'rate_spike threshold at its alerts', color: '#e03131', kind: 'line' });
  }
  if (hours.some((p) => p.peakPerMinute !== undefined)) {
    parts.push(`<path class="observed-mean" d="${stepPath(hours, (p) => p.meanPerMinute, x, y)}" fill="none" stroke="#74c0fc" stroke-width="1"/>`);
    parts.push(`<path class="observed-peak" d="${stepPath(hours, (p) => p.peakPerMinute, x, y)}" fill="none" stroke="#1864ab" stroke-width="1.5"/>`);
    items.push({ label: 'observed busiest minute', color: '#1864ab', kind: 'line' }, { label: 'observed mean', color: '#74c0fc', kind: 'line' });
  }
  for (const i of panel.incidents) parts.push(alertMarker(i, x, fr, detectors));
  items.push({ label: 'alert', color: '#343a40', kind: 'dot' });
  parts.push(xAxis(fr, start, end, x, end - start > 4 * DAY_MS ? DAY_MS : HOUR_MS));
  return `<svg class="chart agent-rate" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Rate of ${panel.agentId} against its learned band`)}">${legend(items, fr.left, 16)}${parts.join('')}</svg>`;
}

function alertMarker(i: Incident, x: (ms: number) => number, fr: Frame, detectors: readonly string[]): string {
  const cx = f(x(i.timeMs));
  const color = detectorColor(i.detector, detectors);
  return `<g class="alert-marker" data-detector="${esc(i.detector)}"><line x1="${cx}" x2="${cx}" y1="${fr.top}" y2="${fr.height - fr.bottom}" stroke="${color}" stroke-width="1" opacity="0.7"/><circle cx="${cx}" cy="${fr.top}" r="5" fill="${color}"/><title>${esc(`${new Date(i.timeMs).toISOString().slice(0, 16).replace('T', ' ')} UTC ${i.detector} (${i.severity}): ${i.summary}`)}</title></g>`;
}
