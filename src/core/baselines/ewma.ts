/**
 * Exponentially weighted mean and variance of per-bucket counts (Finch 2009, "Incremental
 * calculation of weighted mean and variance", eq. 143):
 *   d = x − μ;  μ ← μ + αd;  σ² ← (1 − α)(σ² + αd²)
 * Empty buckets are observations of 0; a run of k of them is applied in closed form
 *   μ_k = βᵏμ₀,  σ²_k = βᵏ(σ²₀ + μ₀²(1 − βᵏ)),  β = 1 − α
 * so a quiet agent costs O(1) when it wakes up, however long it slept.
 */
export class Ewma {
  mean = 0;
  variance = 0;
  constructor(readonly alpha: number) {}

  /** α for a half-life expressed in buckets: the weight of an observation halves every `halfLife` buckets. */
  static alphaForHalfLife(halfLifeBuckets: number): number {
    return 1 - Math.pow(0.5, 1 / Math.max(1, halfLifeBuckets));
  }

  observe(x: number): void {
    const d = x - this.mean;
    const incr = this.alpha * d;
    this.mean += incr;
    this.variance = (1 - this.alpha) * (this.variance + d * incr);
  }

  observeZeros(k: number): void {
    if (k <= 0) return;
    const bk = Math.pow(1 - this.alpha, k);
    this.variance = bk * (this.variance + this.mean * this.mean * (1 - bk));
    this.mean *= bk;
  }

  get stddev(): number {
    return Math.sqrt(Math.max(0, this.variance));
  }
}
