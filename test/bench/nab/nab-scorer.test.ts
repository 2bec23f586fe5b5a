import { describe, expect, it } from 'vitest';
import {
  type CostMatrix,
  normalizedScore,
  perfectDetections,
  probationaryLength,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
} from '../../../bench/nab/nab-scorer.js';

// NAB's profiles (labels/profiles.json).
const STANDARD: CostMatrix = { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 };
const LOW_FP: CostMatrix = { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 };
const LOW_FN: CostMatrix = { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 };

// 100 rows: probation = floor(0.15 · 100) = 15 rows; one window of width 10 at rows 40..49.
const WINDOW = [{ start: 40, end: 49 }];
const file = (detections: number[], windows = WINDOW) => ({ rows: 100, windows, detections });
// Hand-computed: S(y) = 2 / (1 + e^{5y}) − 1.
const S_MINUS_1 = 0.9866142981514305; // S(−1)

describe('NAB scaled sigmoid and probation', () => {
  it('matches the values sweeper.py documents', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(S_MINUS_1, 12);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.8482836399575131, 12);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-S_MINUS_1, 12);
    expect(scaledSigmoid(2.99)).toBeCloseTo(-0.9999993568276712, 12); // just short of the cut-off: −1 by a hair
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(40)).toBe(-1);
  });

  it('probation is 15% of the rows, at most 750', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(5000)).toBe(750);
    expect(probationaryLength(22695)).toBe(750);
  });
});

describe('NAB scoreFile', () => {
  it('an early TP (left edge of the window) is worth exactly tpWeight', () => {
    const s = scoreFile(file([40]), STANDARD);
    expect(s.raw).toBeCloseTo(1, 12);
    expect([s.tp, s.fn, s.fp]).toEqual([1, 0, 0]);
  });

  it('a late TP (right edge) is worth S(−1/10) / S(−1)', () => {
    // y = −(49 − 49 + 1) / 10 = −0.1 → S = 0.244918662 → / 0.986614298 = 0.24824155
    expect(scoreFile(file([49]), STANDARD).raw).toBeCloseTo(0.24824154977542992, 12);
    // Mid-window: y = −(49 − 45 + 1) / 10 = −0.5 → 0.84828364 / 0.98661430 = 0.85979257
    expect(scoreFile(file([45]), STANDARD).raw).toBeCloseTo(0.8597925669097837, 12);
  });

  it('two TPs in one window: only the earliest counts, the other is ignored', () => {
    const s = scoreFile(file([45, 47]), STANDARD);
    expect(s.raw).toBeCloseTo(0.8597925669097837, 12);
    expect([s.tp, s.fp, s.ignoredInWindow]).toEqual([1, 0, 1]);
    // Order of the list does not matter: the earliest row is the one kept.
    expect(scoreFile(file([49, 45]), STANDARD).raw).toBeCloseTo(0.8597925669097837, 12);
  });

  it('an FP right after a window costs little, one far after costs the full fpWeight', () => {
    // TP at 40 (+1). FP at 50: y = |49 − 50| / (10 − 1) = 1/9 → S = −0.27084712 → × 0.11 = −0.02979318
    const near = scoreFile(file([40, 50]), STANDARD);
    expect(near.fpScore).toBeCloseTo(-0.029793183036839352, 12);
    expect(near.raw).toBeCloseTo(1 - 0.029793183036839352, 12);
    // FP at 52: y = 3/9 → −0.07504880
    expect(scoreFile(file([40, 52]), STANDARD).fpScore).toBeCloseTo(-0.07504879692619866, 12);
    // FP at 90: y = 41/9 ≥ 3 → S = −1 → −0.11
    const far = scoreFile(file([40, 90]), STANDARD);
    expect(far.fpScore).toBeCloseTo(-0.11, 12);
    expect([far.tp, far.fp]).toEqual([1, 1]);
    // reward_low_FP_rate doubles the FP weight.
    expect(scoreFile(file([40, 50]), LOW_FP).fpScore).toBeCloseTo(-0.059586366073678704, 12);
  });

  it('an FP before any window costs the full fpWeight; detections in probation are not scored', () => {
    const s = scoreFile(file([5, 20, 40]), STANDARD);
    expect(s.fpScore).toBeCloseTo(-0.11, 12);
    expect([s.tp, s.fp, s.probationary]).toEqual([1, 1, 1]);
    expect(s.raw).toBeCloseTo(0.89, 12);
  });

  it('a missed window costs fnWeight (2 under reward_low_FN_rate)', () => {
    const windows = [
      { start: 40, end: 49 },
      { start: 70, end: 79 },
    ];
    const s = scoreFile(file([40], windows), STANDARD);
    expect([s.tp, s.fn]).toEqual([1, 1]);
    expect(s.raw).toBeCloseTo(0, 12);
    expect(scoreFile(file([40], windows), LOW_FN).raw).toBeCloseTo(-1, 12);
    // FP at 60 measures its distance from the window before it (right edge 49): y = 11/9.
    // S(11/9) = −0.99557365 → × 0.11 = −0.10951310
    expect(scoreFile(file([40, 60], windows), STANDARD).fpScore).toBeCloseTo(-0.10951310130369775, 12);
  });
});

describe('NAB normalisation', () => {
  const windows = [
    { start: 40, end: 49 },
    { start: 70, end: 79 },
  ];
  const files = (detections: number[][]) => detections.map((d) => ({ rows: 100, windows, detections: d }));

  it('the null detector scores 0 and the perfect detector 100 in every profile', () => {
    for (const cost of [STANDARD, LOW_FP, LOW_FN]) {
      const nul = scoreCorpus(files([[], []]), cost);
      expect(nul.raw).toBeCloseTo(-4 * cost.fnWeight, 12);
      expect(nul.nullRaw).toBeCloseTo(-4 * cost.fnWeight, 12);
      expect(nul.perfectRaw).toBe(4);
      expect(nul.normalized).toBeCloseTo(0, 12);
      const perfect = scoreCorpus(files([perfectDetections(windows), perfectDetections(windows)]), cost);
      expect(perfect.raw).toBeCloseTo(4, 12);
      expect(perfect.normalized).toBeCloseTo(100, 10);
      expect([perfect.tp, perfect.fn, perfect.fp, perfect.windows]).toEqual([4, 0, 0, 4]);
    }
  });

  it('half the windows caught at their left edge, nothing else: 50 in standard and in reward_low_FN_rate', () => {
    const half = files([[40, 70], []]);
    // standard: raw = 2 − 2 = 0; null = −4; perfect = 4 → 100 · 4 / 8 = 50
    expect(scoreCorpus(half, STANDARD).normalized).toBeCloseTo(50, 10);
    // reward_low_FN_rate: raw = 2 − 2·2 = −2; null = −8; perfect = 4 → 100 · 6 / 12 = 50
    expect(scoreCorpus(half, LOW_FN).normalized).toBeCloseTo(50, 10);
    expect(normalizedScore(-2, -8, 4)).toBeCloseTo(50, 12);
    expect(normalizedScore(-8.5, -8, 4)).toBeCloseTo(-4.1667, 3);
  });
});
