/**
 * Tails of over-dispersed counts (issue 14): a count with mean μ and dispersion φ = variance / mean.
 * φ = 1 is Poisson; φ > 1 is the negative binomial with r = μ / (φ − 1) and success probability
 * p = 1 / φ, the usual model for bursty event counts (Lindén & Mäntyniemi 2011). Tails come from the
 * regularised incomplete beta and gamma functions, not from 1 − CDF, so probabilities down to
 * 1e-300 keep their precision (Numerical Recipes §6.2, §6.4):
 *   NB:      P(X ≤ k) = I_p(r, k + 1)        P(X ≥ k) = I_{1−p}(k, r)
 *   Poisson: P(X ≤ k) = Q(k + 1, μ)          P(X ≥ k) = P(k, μ)
 */

/** Below this excess dispersion the negative binomial is Poisson to within rounding. */
const POISSON_EPS = 1e-6;
const MAX_ITER = 300;
const TINY = 1e-300;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos, g = 7), relative error about 1e-15. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < MAX_ITER * 10; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  return 1 - gammaQContinued(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaP(a, x) : gammaQContinued(a, x);
}

function gammaQContinued(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** Regularised incomplete beta I_x(a, b). */
function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return Math.min(1, (Math.exp(lnFront) * betaContinued(x, a, b)) / a);
  return Math.max(0, 1 - (Math.exp(lnFront) * betaContinued(1 - x, b, a)) / b);
}

function betaContinued(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** A usable (μ, φ): non-finite or negative means become 0, dispersions below 1 become 1. */
function clean(mean: number, dispersion: number): { mean: number; phi: number } {
  return { mean: Number.isFinite(mean) && mean > 0 ? mean : 0, phi: Number.isFinite(dispersion) && dispersion > 1 ? dispersion : 1 };
}

/** P(X ≥ k): the chance of at least k events. */
export function countUpperTail(k: number, mean: number, dispersion = 1): number {
  if (!(k > 0)) return 1;
  const { mean: mu, phi } = clean(mean, dispersion);
  if (mu === 0) return 0;
  const kk = Math.ceil(k);
  if (phi - 1 < POISSON_EPS) return gammaP(kk, mu);
  return betaI(1 - 1 / phi, kk, mu / (phi - 1));
}

/** P(X ≤ k): the chance of at most k events. */
export function countLowerTail(k: number, mean: number, dispersion = 1): number {
  if (k < 0) return 0;
  const { mean: mu, phi } = clean(mean, dispersion);
  if (mu === 0) return 1;
  const kk = Math.floor(k);
  if (phi - 1 < POISSON_EPS) return gammaQ(kk + 1, mu);
  return betaI(1 / phi, mu / (phi - 1), kk + 1);
}

/** P(X = 0) in closed form: e^−μ (Poisson) or φ^(−μ/(φ−1)) (negative binomial). */
export function countZeroChance(mean: number, dispersion = 1): number {
  const { mean: mu, phi } = clean(mean, dispersion);
  if (phi - 1 < POISSON_EPS) return Math.exp(-mu);
  return Math.exp((-mu / (phi - 1)) * Math.log(phi));
}

/**
 * The smallest count k with P(X ≥ k) ≤ p: the alert threshold for tail probability p. Bisection on
 * the monotone tail, bracketed from the normal approximation, about 20 tail evaluations; callers
 * compute it when a bucket or hour opens, never per event.
 */
export function countUpperQuantile(mean: number, dispersion: number, p: number): number {
  const { mean: mu, phi } = clean(mean, dispersion);
  if (mu === 0 || !(p > 0)) return mu === 0 ? 1 : Number.POSITIVE_INFINITY;
  if (p >= 1) return 0;
  let lo = Math.max(0, Math.floor(mu));
  let hi = Math.ceil(mu + 8 * Math.sqrt(mu * phi) + 8 * phi) + 1;
  while (countUpperTail(hi, mu, phi) > p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return Number.POSITIVE_INFINITY;
  }
  if (countUpperTail(lo, mu, phi) <= p) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (countUpperTail(mid, mu, phi) <= p) hi = mid;
    else lo = mid;
  }
  return hi;
}
