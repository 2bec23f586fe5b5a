import type { AgentSnapshot } from '../core/baselines/agent-baseline-snapshot.js';
import { HourProfile } from '../core/baselines/hour-profile.js';
import { RateWindows } from '../core/baselines/rate-windows.js';
import { localHourLabel } from '../core/detectors/rate-window-finding.js';
import { InvalidConfigError } from '../core/errors.js';
import type { EngineSettings } from '../core/engine-settings.js';
import { WEEKDAY_NAMES } from '../core/time/timezone.js';

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** rate_spike's scan windows in one local hour of the week, as `inspect` shows them (issue 14, item 4). */
export interface RateWindowsDescription {
  /** "Tue 14:00–15:00 Europe/Berlin". */
  hour: string;
  /** Whether the windows judge this agent now (learned, enabled). */
  active: boolean;
  expectedPerMinute: number;
  /** Dispersion φ = variance / mean of its 15-minute counts around this hour. */
  dispersion: number;
  /** Per window: the expected count and the count at which it fires (null: it does not). */
  windows: { window: string; expected: number; alertAt: number | null }[];
  /** The CUSUM for sustained rises: the rise it is tuned to and its threshold (null: off). */
  cusum: { ratio: number; threshold: number } | null;
}

/** "Tue 14" / "tue 9" / "2 14" (Monday = 1) → the Monday-based hour of week. */
export function parseHourOfWeek(text: string): number {
  const m = /^\s*([A-Za-z]{3}|[1-7])\s+(\d{1,2})(?::00)?\s*$/.exec(text);
  const day = m ? (/^\d$/.test(m[1] as string) ? Number(m[1]) - 1 : WEEKDAY_NAMES.findIndex((d) => d.toLowerCase() === (m[1] as string).toLowerCase())) : -1;
  const hour = m ? Number(m[2]) : -1;
  if (day < 0 || hour > 23) throw new InvalidConfigError(`--hour "${text}": a local day and hour, e.g. "Tue 14" (Mon–Sun, 0–23)`);
  return day * 24 + hour;
}

/**
 * The thresholds the scan windows would use in local hour of week `slot` (default: the agent's
 * current hour), with the agent's current level and learned dispersion: the same computation the
 * engine runs when that hour opens.
 */
export function describeRateWindows(
  s: AgentSnapshot,
  settings: EngineSettings,
  learning: boolean,
  timezone: string | undefined,
  slot = s.hour.slot,
): RateWindowsDescription {
  const w = s.windows ? RateWindows.restore(s.windows, settings.bucketMs) : new RateWindows();
  const r = settings.rateSpike;
  const active = r.enabled && r.windows.enabled && !learning;
  const th = w.thresholdsFor(HourProfile.restore(s.profile), slot, settings.bucketMs, r.windows, active);
  const perMinute = 60_000 / settings.bucketMs;
  const minutes = (buckets: number) => `${round((buckets * settings.bucketMs) / 60_000)} min`;
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    hour: localHourLabel(slot, timezone),
    active,
    expectedPerMinute: round(th.perBucket * perMinute, 3),
    dispersion: round(th.dispersion),
    windows: [
      { window: minutes(th.shortBuckets), expected: round(th.shortBuckets * th.perBucket), alertAt: finite(th.short) },
      { window: minutes(th.longBuckets), expected: round(th.longBuckets * th.perBucket), alertAt: finite(th.long) },
    ],
    cusum: active && r.windows.cusum.enabled ? { ratio: r.windows.cusum.ratio, threshold: r.windows.cusum.threshold } : null,
  };
}
