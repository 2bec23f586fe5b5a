import { describe, expect, it } from 'vitest';
import { countLowerTail, countUpperQuantile, countUpperTail, countZeroChance, logGamma } from '../../../src/core/stats/negative-binomial.js';

/** Direct summation of the probability mass: slow, exact enough as a reference for moderate counts. */
function pmf(k: number, mu: number, phi: number): number {
  if (phi === 1) return Math.exp(-mu + k * Math.log(mu) - logGamma(k + 1));
  const r = mu / (phi - 1);
  const p = 1 / phi;
  return Math.exp(logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log1p(-p));
}
const lowerRef = (k: number, mu: number, phi: number) => Array.from({ length: k + 1 }, (_, i) => pmf(i, mu, phi)).reduce((a, b) => a + b, 0);
const upperRef = (k: number, mu: number, phi: number) =>
  Array.from({ length: 4000 }, (_, i) => (i + k <= 3999 + k ? pmf(i + k, mu, phi) : 0)).reduce((a, b) => a + b, 0);

describe('count tails (Poisson and negative binomial)', () => {
  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  for (const [mu, phi] of [
    [0.3, 1],
    [4, 1],
    [60, 1],
    [4, 2.5],
    [0.5, 3],
    [40, 6],
    [300, 1.2],
  ] as const) {
    it(`agrees with summed mass for μ=${mu}, φ=${phi}`, () => {
      for (const k of [0, 1, 2, Math.floor(mu), Math.ceil(mu * 2), Math.ceil(mu * 4 + 10)]) {
        const lo = countLowerTail(k, mu, phi);
        const up = countUpperTail(k, mu, phi);
        expect(Math.abs(lo - lowerRef(k, mu, phi))).toBeLessThan(1e-9);
        expect(Math.abs(up - upperRef(k, mu, phi)) / Math.max(1e-300, upperRef(k, mu, phi))).toBeLessThan(1e-6);
        // the two tails overlap exactly at k
        expect(lo + up - pmf(k, mu, phi)).toBeCloseTo(1, 9);
      }
    });
  }

  it('keeps precision far in the upper tail (1 − CDF would round to 0)', () => {
    const t = countUpperTail(41, 4, 1.5);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(1e-9);
    expect(Math.abs(t - upperRef(41, 4, 1.5)) / upperRef(41, 4, 1.5)).toBeLessThan(1e-6);
  });

  it('over-dispersion widens the tail', () => {
    expect(countUpperTail(20, 5, 3)).toBeGreaterThan(countUpperTail(20, 5, 1) * 100);
  });

  it('zero chance in closed form equals the lower tail at 0', () => {
    for (const [mu, phi] of [
      [3, 1],
      [3, 2],
      [12, 5],
    ] as const)
      expect(countZeroChance(mu, phi)).toBeCloseTo(countLowerTail(0, mu, phi), 12);
    expect(countZeroChance(20, 1)).toBeCloseTo(Math.exp(-20), 20);
  });

  it('upper quantile is the smallest count with tail ≤ p', () => {
    for (const [mu, phi, p] of [
      [4, 1, 1e-6],
      [0.4, 2, 1e-4],
      [50, 3, 1e-9],
      [2000, 1.5, 1e-7],
      [4, 1, 0.5],
    ] as const) {
      const k = countUpperQuantile(mu, phi, p);
      expect(countUpperTail(k, mu, phi)).toBeLessThanOrEqual(p);
      expect(countUpperTail(k - 1, mu, phi)).toBeGreaterThan(p);
    }
  });

  it('guards hostile input: NaN, Infinity, negative means and dispersions below 1', () => {
    expect(countUpperTail(3, Number.NaN, 2)).toBe(0);
    expect(countLowerTail(3, -5, 2)).toBe(1);
    expect(countUpperTail(3, 2, Number.POSITIVE_INFINITY)).toBeCloseTo(countUpperTail(3, 2, 1), 12);
    expect(countUpperTail(3, 2, 0.2)).toBeCloseTo(countUpperTail(3, 2, 1), 12);
    expect(countUpperQuantile(0, 2, 1e-6)).toBe(1);
    expect(countUpperQuantile(5, 2, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(countUpperTail(0, 5, 2)).toBe(1);
  });
});
