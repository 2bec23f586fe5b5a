import { describe, expect, it } from 'vitest';
import { DetectorName } from '../../src/core/detectors/detector.js';
import { DETECTOR_PALETTE, FALLBACK_COLORS, detectorColor } from '../../src/report/svg-charts.js';

describe('report colours', () => {
  it('give every detector its own colour, none shared with another detector or a fallback', () => {
    const detectors = Object.values(DetectorName);
    const colours = detectors.map((d) => detectorColor(d, detectors));
    expect(Object.keys(DETECTOR_PALETTE).sort()).toEqual([...detectors].sort());
    expect(new Set(colours).size).toBe(detectors.length);
    for (const c of FALLBACK_COLORS) expect(colours).not.toContain(c);
  });

  it('give a detector this build does not know a fallback colour, stable by its place in the list', () => {
    expect(detectorColor('from_a_newer_version', ['rate_spike', 'from_a_newer_version'])).toBe(FALLBACK_COLORS[1]);
  });
});
