import { LogCollapsingHighestDenseDDSketch } from '@datadog/sketches-js';

/** Counts above this are clamped: @datadog/sketches-js grows its store without bound on extreme values. */
const MAX_SKETCH_VALUE = 1e7;
/** Bins are added this many at a time; the library's default (128 doubles) would cost 1 KB per agent. */
const CHUNK_SIZE = 8;

type Sketch = LogCollapsingHighestDenseDDSketch;
type Store = Sketch['store'];
type Mapping = Sketch['mapping'];

// The mapping is immutable and counts are never negative, so every sketch of one accuracy can
// share them: a baseline must fit in a few KB (issue 2: ≤ 4 KB per agent at 100k agents).
const shared = new Map<number, { mapping: Mapping; negativeStore: Store }>();

function newSketch(relativeAccuracy: number, binLimit: number): Sketch {
  const sketch = new LogCollapsingHighestDenseDDSketch({ relativeAccuracy, binLimit });
  let parts = shared.get(relativeAccuracy);
  if (!parts) {
    parts = { mapping: sketch.mapping, negativeStore: sketch.negativeStore };
    shared.set(relativeAccuracy, parts);
  }
  sketch.mapping = parts.mapping;
  sketch.negativeStore = parts.negativeStore;
  const StoreClass = sketch.store.constructor as new (binLimit: number, chunkSize?: number) => Store;
  sketch.store = new StoreClass(binLimit, CHUNK_SIZE);
  return sketch;
}

export interface CountSketchSnapshot {
  /** Key offset and bin counts of the positive store (the only one used: counts are ≥ 1). */
  offset: number;
  bins: number[];
  count: number;
  weight: number;
}

/**
 * Quantile sketch (DDSketch, relative-accuracy guarantee) of the agent's non-empty bucket counts
 * over a rolling window. A DDSketch cannot delete, so the window is exponential: every
 * `windowMs / 2` the bins are halved, so data older than a window weighs ≤ 25 %.
 * Input is guarded: the library accepts NaN silently and throws on Infinity.
 */
export class CountSketch {
  private readonly sketch: Sketch;

  constructor(relativeAccuracy: number, binLimit: number) {
    this.sketch = newSketch(relativeAccuracy, binLimit);
  }

  accept(value: number, weight = 1): void {
    if (!(value >= 1) || !(weight > 0) || !Number.isFinite(weight)) return;
    this.sketch.accept(Math.min(value, MAX_SKETCH_VALUE), weight);
  }

  get count(): number {
    return this.sketch.count;
  }

  quantile(q: number): number {
    return this.sketch.count > 0 ? this.sketch.getValueAtQuantile(q) : 0;
  }

  /** Ages the window: every bin loses `factor` of its weight. */
  decay(factor: number): void {
    const store = this.sketch.store;
    const bins = store.bins;
    let total = 0;
    for (let i = 0; i < bins.length; i++) {
      const v = (bins[i] ?? 0) * factor;
      // Bins below a hundredth of an observation carry no information; zeroing them keeps snapshots small.
      bins[i] = v < 0.01 ? 0 : v;
      total += bins[i] ?? 0;
    }
    store.count = total;
    this.sketch.count = total;
    this.sketch.sum *= factor;
  }

  snapshot(): CountSketchSnapshot {
    const store = this.sketch.store;
    let first = 0;
    let last = store.bins.length - 1;
    while (first <= last && !store.bins[first]) first++;
    while (last >= first && !store.bins[last]) last--;
    return {
      offset: store.offset + first,
      bins: store.bins.slice(first, last + 1).map((v) => Math.round(v * 1000) / 1000),
      count: this.sketch.count,
      weight: this.sketch.sum,
    };
  }

  static restore(s: CountSketchSnapshot, relativeAccuracy: number, binLimit: number): CountSketch {
    const cs = new CountSketch(relativeAccuracy, binLimit);
    const mapping = cs.sketch.mapping;
    // Replaying each bin at its representative value rebuilds an identical store.
    s.bins.forEach((w, i) => {
      // Clamped like accept: an offset from another accuracy (or a spoiled record) can map past
      // the largest double, and the library then sizes its store with NaN.
      if (w > 0) cs.sketch.accept(Math.min(mapping.value(s.offset + i), MAX_SKETCH_VALUE), w);
    });
    cs.sketch.sum = s.weight;
    return cs;
  }
}
