import { WEEKDAY_NAMES } from '../time/timezone.js';

const MINUTES_PER_WEEK = 7 * 1440;

function parseMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function parseDays(spec: string): number[] {
  if (spec === 'Daily') return [0, 1, 2, 3, 4, 5, 6];
  const days: number[] = [];
  for (const part of spec.split(',')) {
    const [from, to] = part.split('-') as [string, string | undefined];
    const a = WEEKDAY_NAMES.indexOf(from as (typeof WEEKDAY_NAMES)[number]);
    const b = to === undefined ? a : WEEKDAY_NAMES.indexOf(to as (typeof WEEKDAY_NAMES)[number]);
    // Ranges may wrap the week ("Fri-Mon").
    for (let d = a; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === b) break;
    }
  }
  return days;
}

/**
 * Declared active hours compiled to one bit per minute of the week (local time). A window whose
 * end is before its start runs overnight into the next day ("Daily 22:00-06:00").
 * Entries must already match ACTIVE_HOURS_PATTERN (checked by the schema at load time).
 */
export class ActiveHours {
  private readonly minutes = new Uint8Array(MINUTES_PER_WEEK);
  readonly specs: readonly string[];

  constructor(specs: readonly string[]) {
    this.specs = specs;
    for (const spec of specs) {
      const space = spec.lastIndexOf(' ');
      const days = parseDays(spec.slice(0, space));
      const [fromText, toText] = spec.slice(space + 1).split('-') as [string, string];
      const from = parseMinutes(fromText);
      let to = parseMinutes(toText);
      if (to <= from) to += 1440;
      for (const day of days) {
        for (let m = from; m < to; m++) this.minutes[(day * 1440 + m) % MINUTES_PER_WEEK] = 1;
      }
    }
  }

  /** Whether a Monday-based local minute of the week is inside a declared window. */
  isActive(minuteOfWeek: number): boolean {
    return this.minutes[minuteOfWeek] === 1;
  }
}
