import type { Evaluation } from './evaluate-alerts.js';

/**
 * The lower median (the middle value, or the smaller of the two middle ones): a delay that some
 * detection actually had, never an average of two. Null when there is none.
 */
export function lowerMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/**
 * Nearest-rank percentile (`q` in 0–1): the smallest value with at least q of them at or below
 * it, so again a delay some detection had. Null when there is none.
 */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Median over every detected label (all detectors): label start → first alert of its detector and agent, seconds. */
export function medianDetectionDelaySeconds(evaluation: Pick<Evaluation, 'detections'>): number | null {
  return lowerMedian(evaluation.detections.map((d) => d.delaySeconds));
}

/** "45 s", "12 min", "3.5 h": delays span seconds (rate spikes) to hours (off-hours bursts). */
export function formatDelay(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
