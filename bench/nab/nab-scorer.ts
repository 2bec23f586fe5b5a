/**
 * The NAB (Numenta Anomaly Benchmark) scorer, re-implemented from NAB's `nab/sweeper.py`
 * (`scaledSigmoid`, `Sweeper.calcSweepScore`, `Sweeper.calcScoreByThreshold`) and
 * `nab/runner.py` (`Runner.normalize`), as documented in the dataset's SOURCE.md. Pure: rows,
 * windows and detections are plain row indices (file order, as NAB iterates them), so it can be
 * checked on hand-computed cases without the corpus.
 *
 * A detection is a row whose anomaly score clears the threshold. Our detectors are binary (an
 * opening alert or nothing), so any threshold in (0, 1] selects exactly the detected rows, and
 * NAB's per-threshold sweep reduces to scoring that one set.
 */

/** One NAB profile's cost matrix (`config/profiles.json`; `tnWeight` exists there but NAB never uses it). */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** A labelled anomaly window as inclusive row indices (NAB enters at `start`, leaves after `end`). */
export interface RowWindow {
  start: number;
  end: number;
}

export interface ScoredFile {
  rows: number;
  /** Sorted and non-overlapping (NAB's labeler merges overlapping windows). */
  windows: readonly RowWindow[];
  /** Row indices flagged as anomalous; duplicates are harmless. */
  detections: Iterable<number>;
}

export interface FileScore {
  raw: number;
  /** Windows with at least one scored detection (their earliest one counts). */
  tp: number;
  /** Scored windows without a detection. */
  fn: number;
  /** Scored detections outside every window, and their summed (negative) contribution. */
  fp: number;
  fpScore: number;
  /** Detections inside a window after its earliest one: NAB ignores them. */
  ignoredInWindow: number;
  /** Detections in the probationary period: NAB does not score them. */
  probationary: number;
}

/** NAB's `probationPercent` (runner.py) and the 5000-row cap in `_getProbationaryLength`. */
export const PROBATION_PERCENT = 0.15;

/** `min(floor(0.15 * rows), 0.15 * 5000)`: rows at the start of a file that are never scored. */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** sweeper.py `scaledSigmoid`: 2·sigmoid(−5y) − 1, and −1 from y ≥ 3 ("FP well behind window"). */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** S(−1) = 0.98661…: NAB divides TP scores by it so a detection at a window's left edge is worth exactly tpWeight. */
const MAX_TP = scaledSigmoid(-1);

/**
 * The raw NAB score of one file for one profile, following `calcSweepScore` row by row: each row
 * gets the score it would have as a detection (TP weight inside a window, FP weight outside), and
 * `calcScoreByThreshold` keeps, per window, the best (earliest, since S falls along the window)
 * and adds up every scored FP. A window without a scored detection costs fnWeight.
 */
export function scoreFile(file: ScoredFile, cost: CostMatrix): FileScore {
  const detected = new Set<number>();
  for (const i of file.detections) if (Number.isInteger(i) && i >= 0 && i < file.rows) detected.add(i);
  const probation = probationaryLength(file.rows);
  const out: FileScore = { raw: 0, tp: 0, fn: 0, fp: 0, fpScore: 0, ignoredInWindow: 0, probationary: 0 };

  let w = 0; // next window to enter
  let cur: { right: number; width: number; best: number | undefined; scorable: boolean } | undefined;
  let prev: { right: number; width: number } | undefined;
  const closeWindow = () => {
    if (cur === undefined) return;
    // `_prepareScoreByThresholdParts`: only windows with a row past probation are scored at all
    // (NAB's labeler deletes windows overlapping probation, so in the corpus this always holds).
    if (cur.scorable) {
      if (cur.best === undefined) {
        out.fn++;
        out.raw -= cost.fnWeight;
      } else {
        out.tp++;
        out.raw += cur.best;
      }
    }
    prev = { right: cur.right, width: cur.width };
    cur = undefined;
  };

  for (let i = 0; i < file.rows; i++) {
    const win = file.windows[w];
    if (cur === undefined && win !== undefined && i === win.start) {
      cur = { right: win.end, width: win.end - win.start + 1, best: undefined, scorable: false };
      w++;
    }
    const inProbation = i < probation;
    if (cur !== undefined && !inProbation) cur.scorable = true;
    if (detected.has(i)) {
      if (inProbation) out.probationary++;
      else if (cur !== undefined) {
        // Relative position −(right − i + 1)/width: −1 at the left edge, −1/width at the right.
        const score = (scaledSigmoid(-(cur.right - i + 1) / cur.width) * cost.tpWeight) / MAX_TP;
        if (cur.best === undefined) cur.best = score;
        else out.ignoredInWindow++; // only the earliest (highest-scoring) detection of a window counts
      } else {
        // After a window: y = |prevRight − i| / (prevWidth − 1), so an FP just after a window
        // costs little and one 3 window-widths later costs the full fpWeight. Before any window
        // NAB uses y = 3 (a full −fpWeight). A one-row window would divide by zero in NAB; we
        // treat it as "far" (−1) instead of crashing.
        const y = prev === undefined ? 3 : prev.width > 1 ? Math.abs(prev.right - i) / (prev.width - 1) : Number.POSITIVE_INFINITY;
        const score = scaledSigmoid(y) * cost.fpWeight;
        out.fp++;
        out.fpScore += score;
        out.raw += score;
      }
    }
    if (cur !== undefined && i === cur.right) closeWindow();
  }
  closeWindow(); // a window running past the last row (malformed labels) is still judged
  return out;
}

export interface CorpusScore {
  raw: number;
  /** Raw score of NAB's null detector (no detections at all) on the same files. */
  nullRaw: number;
  /** runner.py `normalize`: number of windows in the label file × tpWeight. */
  perfectRaw: number;
  /** 100 · (raw − null) / (perfect − null): null = 0, perfect = 100, may be negative. */
  normalized: number;
  tp: number;
  fn: number;
  fp: number;
  windows: number;
}

/** runner.py `normalize`: the corpus score is the sum of file scores, normalised between null and perfect. */
export function normalizedScore(raw: number, nullRaw: number, perfectRaw: number): number {
  const span = perfectRaw - nullRaw;
  return span === 0 ? 0 : (100 * (raw - nullRaw)) / span;
}

/** Scores a set of files for one profile the way `nab/scorer.py` and `Runner.normalize` do. */
export function scoreCorpus(files: readonly ScoredFile[], cost: CostMatrix): CorpusScore {
  let raw = 0;
  let nullRaw = 0;
  let windows = 0;
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const f of files) {
    const s = scoreFile(f, cost);
    raw += s.raw;
    tp += s.tp;
    fn += s.fn;
    fp += s.fp;
    // The null detector is scored by the same rules, as NAB does (it runs `null` like any detector).
    nullRaw += scoreFile({ rows: f.rows, windows: f.windows, detections: [] }, cost).raw;
    windows += f.windows.length;
  }
  const perfectRaw = windows * cost.tpWeight;
  return { raw, nullRaw, perfectRaw, normalized: normalizedScore(raw, nullRaw, perfectRaw), tp, fn, fp, windows };
}

/** Perfect detections for a file: the left edge of every window (worth exactly tpWeight each). */
export function perfectDetections(windows: readonly RowWindow[]): number[] {
  return windows.map((w) => w.start);
}
