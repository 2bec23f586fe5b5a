import { describe, expect, it } from 'vitest';
import { hourOfWeek, minuteOfWeek, timezoneOffsetMs } from '../../../src/core/time/timezone.js';
import { ActiveHours } from '../../../src/core/baselines/active-hours.js';

const H = 3_600_000;

describe('time zones', () => {
  it('follows daylight saving in the zone’s real rules', () => {
    expect(timezoneOffsetMs('America/New_York', Date.UTC(2026, 2, 7, 12))).toBe(-5 * H);
    expect(timezoneOffsetMs('America/New_York', Date.UTC(2026, 2, 9, 12))).toBe(-4 * H);
    expect(timezoneOffsetMs('Europe/London', Date.UTC(2026, 2, 28, 12))).toBe(0);
    expect(timezoneOffsetMs('Europe/London', Date.UTC(2026, 2, 30, 12))).toBe(H);
    expect(timezoneOffsetMs('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe(5.5 * H);
    expect(timezoneOffsetMs(undefined, 0)).toBe(0);
  });

  it('numbers hours of the week from Monday 00:00 local', () => {
    expect(hourOfWeek(Date.UTC(2026, 2, 2, 0))).toBe(0); // Monday
    expect(hourOfWeek(Date.UTC(2026, 2, 8, 23))).toBe(167); // Sunday
    expect(minuteOfWeek(Date.UTC(2026, 2, 3, 7, 30))).toBe(1440 + 450);
  });

  it('compiles declared active hours, overnight windows included', () => {
    const a = new ActiveHours(['Mon-Fri 07:00-19:00', 'Sat 22:00-02:00']);
    expect(a.isActive(0 * 1440 + 7 * 60)).toBe(true);
    expect(a.isActive(0 * 1440 + 19 * 60)).toBe(false);
    expect(a.isActive(5 * 1440 + 23 * 60)).toBe(true);
    expect(a.isActive(6 * 1440 + 60)).toBe(true);
    expect(a.isActive(6 * 1440 + 3 * 60)).toBe(false);
  });
});
