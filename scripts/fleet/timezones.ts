/**
 * Local time for agents in IANA time zones. Offsets come from the platform's ICU data (Intl), so
 * DST transitions are the real ones. All zones the generator uses change offset on a whole UTC
 * hour, so one lookup per UTC hour is exact and keeps Intl off the per-event path.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Minutes to add to UTC to get local wall-clock time at `utcMs`. */
export function utcOffsetMinutes(tz: string, utcMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  const hour = Math.floor(utcMs / HOUR_MS);
  const key = `${tz}@${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(hour * HOUR_MS)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0);
  const offset = Math.round((asUtc - hour * HOUR_MS) / MINUTE_MS);
  offsetCache.set(key, offset);
  return offset;
}

/** The 24 hourly offsets of one UTC day. */
export function dayOffsets(tz: string, dayStartMs: number): Int32Array {
  const out = new Int32Array(24);
  for (let h = 0; h < 24; h++) out[h] = utcOffsetMinutes(tz, dayStartMs + h * HOUR_MS);
  return out;
}

/**
 * UTC instant of a local wall-clock time, `localMinutes` after local midnight of the calendar
 * day `dayStartMs` (a UTC midnight naming that calendar date). Times inside a spring-forward gap
 * resolve to after the jump, the way most schedulers treat them.
 */
export function localToUtc(tz: string, dayStartMs: number, localMinutes: number): number {
  const wall = dayStartMs + localMinutes * MINUTE_MS;
  let guess = wall - utcOffsetMinutes(tz, wall) * MINUTE_MS;
  guess = wall - utcOffsetMinutes(tz, guess) * MINUTE_MS;
  return guess;
}

/** 0 = Monday … 6 = Sunday, the convention of `activeHours` in baselines/. */
export function mondayWeekday(dayStartMs: number): number {
  return (new Date(dayStartMs).getUTCDay() + 6) % 7;
}

export function parseStartDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`start must be YYYY-MM-DD, got "${text}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(ms)) throw new RangeError(`invalid start date "${text}"`);
  return ms;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
