const HOURS_PER_WEEK = 168;

export interface HourProfileSnapshot {
  /** Events per local hour of the week (weekly EWMA); null = never observed. */
  weekly: (number | null)[];
  /** Decayed maximum bucket count per local hour of the day. */
  peaks: number[];
  /** The peaks as they stood at the start of the current local day. */
  frozenPeaks: number[];
}

const PEAKS = HOURS_PER_WEEK;
const FROZEN = HOURS_PER_WEEK + 24;

/**
 * The agent's week in its own local time (declared timezone, else UTC): how busy each hour of
 * the week usually is, and how high its busiest bucket usually gets in each hour of the day.
 * Kept in local time so a daylight-saving change does not look like a new hour.
 * Hourly peaks are read as they stood at the start of the local day: an hour that just closed
 * must not raise the bar for the next one, or a slow ramp over hours (issue 4) would carry the
 * threshold up with it.
 * One Float32Array holds it all (168 + 24 + 24 floats) to keep a baseline within its memory budget.
 */
export class HourProfile {
  private readonly data: Float32Array;

  constructor(data?: Float32Array) {
    if (data) {
      this.data = data;
    } else {
      this.data = new Float32Array(HOURS_PER_WEEK + 48);
      this.data.fill(Number.NaN, 0, HOURS_PER_WEEK);
    }
  }

  /** An hour has ended: its event count teaches the hour of week, its busiest bucket the hour of day. */
  learnHour(slot: number, events: number, maxBucket: number, weeklyAlpha: number, peakDecay: number): void {
    const d = this.data;
    const prev = d[slot] as number;
    d[slot] = Number.isNaN(prev) ? events : prev + weeklyAlpha * (events - prev);
    const p = PEAKS + (slot % 24);
    d[p] = Math.max(maxBucket, (d[p] as number) * peakDecay);
  }

  /** A new local day: the peaks learned yesterday become the ones thresholds are read from. */
  commitDay(): void {
    this.data.copyWithin(FROZEN, PEAKS, PEAKS + 24);
  }

  /** Learned events in an hour of the week (NaN when never observed). */
  weekly(slot: number): number {
    return this.data[slot] as number;
  }

  /** Typical peak bucket around an hour of the day: its own and its neighbours', so a job that drifts a few minutes across the hour is still known. */
  peakAround(hourOfDay: number): number {
    const d = this.data;
    const at = (h: number) => d[FROZEN + ((h + 24) % 24)] as number;
    return Math.max(at(hourOfDay - 1), at(hourOfDay), at(hourOfDay + 1));
  }

  /**
   * Idle: in a typical week this hour of the day, with the hours either side, saw at most
   * `maxEventsPerWeek` events in all (every slot observed at least once). A band rather than a
   * single hour because an agent that follows local time with no declared timezone shifts by an
   * hour in UTC at each daylight-saving change; a weekly total rather than a per-slot bound so a
   * few stray night events do not make the night look busy.
   */
  isIdleHourOfDay(hourOfDay: number, maxEventsPerWeek: number): boolean {
    let total = 0;
    for (let day = 0; day < 7; day++) {
      for (let dh = -1; dh <= 1; dh++) {
        const v = this.data[day * 24 + ((hourOfDay + dh + 24) % 24)] as number;
        if (Number.isNaN(v)) return false;
        total += v;
      }
    }
    return total <= maxEventsPerWeek;
  }

  snapshot(): HourProfileSnapshot {
    const weekly: (number | null)[] = [];
    for (let i = 0; i < HOURS_PER_WEEK; i++) {
      const v = this.data[i] as number;
      weekly.push(Number.isNaN(v) ? null : v);
    }
    return { weekly, peaks: Array.from(this.data.subarray(PEAKS, PEAKS + 24)), frozenPeaks: Array.from(this.data.subarray(FROZEN, FROZEN + 24)) };
  }

  static restore(s: HourProfileSnapshot): HourProfile {
    const data = new Float32Array(HOURS_PER_WEEK + 48);
    s.weekly.forEach((v, i) => (data[i] = v === null ? Number.NaN : v));
    s.peaks.forEach((v, i) => (data[PEAKS + i] = v));
    s.frozenPeaks.forEach((v, i) => (data[FROZEN + i] = v));
    return new HourProfile(data);
  }
}
