import { InvalidTimezoneError } from '../errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Offsets are sampled per quarter hour: zones like Asia/Kathmandu (+05:45) change on 15-minute marks. */
const SAMPLE_MS = 900_000;
const MAX_CACHED_SAMPLES = 200_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch (cause) {
      throw new InvalidTimezoneError(`unknown IANA time zone "${timeZone}" (e.g. Europe/London)`, { cause });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimezone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function computeOffsetMs(timeZone: string, utcMs: number): number {
  let y = 0,
    mo = 0,
    d = 0,
    h = 0,
    mi = 0;
  for (const part of formatterFor(timeZone).formatToParts(utcMs)) {
    switch (part.type) {
      case 'year':
        y = Number(part.value);
        break;
      case 'month':
        mo = Number(part.value);
        break;
      case 'day':
        d = Number(part.value);
        break;
      case 'hour':
        h = Number(part.value);
        break;
      case 'minute':
        mi = Number(part.value);
        break;
    }
  }
  const local = Date.UTC(y, mo - 1, d, h, mi);
  return local - (utcMs - (utcMs % 60_000));
}

/**
 * Offset of `timeZone` from UTC at `utcMs`, from the platform's tz database (Intl), so daylight
 * saving follows the zone's real rules. Cached per quarter hour: Intl is slow and this sits on
 * the per-agent hour rollover.
 */
export function timezoneOffsetMs(timeZone: string | undefined, utcMs: number): number {
  if (timeZone === undefined || timeZone === 'UTC') return 0;
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const key = Math.floor(utcMs / SAMPLE_MS);
  let offset = cache.get(key);
  if (offset === undefined) {
    offset = computeOffsetMs(timeZone, key * SAMPLE_MS);
    if (cache.size >= MAX_CACHED_SAMPLES) cache.clear();
    cache.set(key, offset);
  }
  return offset;
}

/** Index of the local wall-clock hour since the epoch: changes once per local hour, DST-aware. */
export function localHourIndex(localMs: number): number {
  return Math.floor(localMs / HOUR_MS);
}

/** Monday-based hour of week (0 = Monday 00:00–01:00) of a local-time epoch value. */
export function hourOfWeek(localMs: number): number {
  const day = Math.floor(localMs / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 when Monday is 0.
  const weekday = (((day + 3) % 7) + 7) % 7;
  const hour = Math.floor((localMs - day * DAY_MS) / HOUR_MS);
  return weekday * 24 + hour;
}

/** Monday-based minute of week of a local-time epoch value. */
export function minuteOfWeek(localMs: number): number {
  const day = Math.floor(localMs / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7;
  return weekday * 1440 + Math.floor((localMs - day * DAY_MS) / 60_000);
}

export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
