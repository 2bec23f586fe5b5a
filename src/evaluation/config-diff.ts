import { statSync } from 'node:fs';
import { cannotRead } from '../core/errors.js';
import type { Config } from '../config/config-schema.js';
import { decodeSettingsKey } from '../pipeline/feed-lanes.js';
import type { ReplayProgress } from '../pipeline/replay.js';
import { type AlertDiff, diffAlerts } from './alert-diff.js';
import { runLanesInWorkers } from './lane-workers.js';
import { defaultJobs } from './parameter-sweep.js';
import { type LanesResult, runLanes } from './sweep-lanes.js';

/** One side of a diff: a configuration and a declared-baselines folder, and how to name it. */
export interface DiffSide {
  /** "--config a.yaml --baselines dirA": what the user gave, to head the output. */
  label: string;
  config: Config;
  baselinesDir?: string;
}

export interface ConfigDiffOptions {
  files: string[];
  a: DiffSide;
  b: DiffSide;
  windowMs: number;
  examples: number;
  /** 2 replays A and B in two threads (each reads the logs); 1 in lockstep in this thread. */
  jobs?: number;
  /** `--format`: a log format name or `auto` (default: each side's input.format). */
  format?: string;
  onProgress?: (p: ReplayProgress) => void;
}

export interface ConfigDiffResult extends AlertDiff {
  a: { label: string; baselinesDir?: string; digest: string };
  b: { label: string; baselinesDir?: string; digest: string };
  files: string[];
  accepted: number;
  firstEventTime?: string;
  lastEventTime?: string;
  elapsedMs: number;
}

/** Replays the logs under A and under B (one engine each, as `agentwatch replay` would) and diffs their incidents. */
export async function runConfigDiff(opts: ConfigDiffOptions): Promise<ConfigDiffResult> {
  const started = performance.now();
  for (const file of opts.files) {
    try {
      statSync(file);
    } catch (cause) {
      throw cannotRead('input', file, cause);
    }
  }
  const sides = [opts.a, opts.b];
  const jobs = Math.min(2, opts.jobs ?? defaultJobs(2));
  const format = opts.format !== undefined ? { format: opts.format } : {};
  const alone = sides.map((s) => ({ files: opts.files, configs: [s.config], baselinesDirs: [s.baselinesDir], detail: true, ...format }));
  let outcomes: LanesResult['outcomes'];
  if (jobs > 1) {
    outcomes = (await runLanesInWorkers(alone, opts.onProgress)).map((r) => r.outcomes[0] as LanesResult['outcomes'][number]);
  } else if (decodeSettingsKey(opts.a.config, opts.format) === decodeSettingsKey(opts.b.config, opts.format)) {
    outcomes = (
      await runLanes(
        { files: opts.files, configs: sides.map((s) => s.config), baselinesDirs: sides.map((s) => s.baselinesDir), detail: true, ...format },
        opts.onProgress,
      )
    ).outcomes;
  } else {
    // A and B read the files differently (input.format…): one after the other.
    outcomes = [];
    for (const request of alone) outcomes.push(...(await runLanes(request, opts.onProgress)).outcomes);
  }
  const [a, b] = outcomes as [LanesResult['outcomes'][number], LanesResult['outcomes'][number]];
  const side = (s: DiffSide, o: typeof a) => ({ label: s.label, ...(s.baselinesDir && { baselinesDir: s.baselinesDir }), digest: o.digest });
  return {
    a: side(opts.a, a),
    b: side(opts.b, b),
    files: opts.files,
    accepted: a.summary.accepted,
    ...(a.summary.firstEventTime && { firstEventTime: a.summary.firstEventTime }),
    ...(a.summary.lastEventTime && { lastEventTime: a.summary.lastEventTime }),
    ...diffAlerts(a.incidents, b.incidents, { windowMs: opts.windowMs, examples: opts.examples }),
    elapsedMs: Math.round(performance.now() - started),
  };
}
