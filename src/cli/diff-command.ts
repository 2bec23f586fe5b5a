import type { Command } from 'commander';
import { InvalidConfigError } from '../core/errors.js';
import { loadConfig } from '../config/load-config.js';
import { type DiffSide, runConfigDiff } from '../evaluation/config-diff.js';
import { formatConfigDiff } from '../evaluation/format-alert-diff.js';
import { FORMAT_CHOICES } from '../formats/format-registry.js';
import { checkEventFiles } from './cli-checks.js';
import { createProgressBar } from './progress-bar.js';

export interface DiffCommandOptions {
  config: string[];
  baselines: string[];
  json?: boolean;
  examples: string;
  matchWindowMinutes: string;
  jobs?: string;
  progress?: boolean;
  /** Log format of the files, or `auto` (default: input.format of the config). */
  format?: string;
}

/** `none` stands for "no declared baselines", so a folder can be compared with nothing. */
const NO_BASELINES = 'none';

/**
 * Two sides from up to two --config and up to two --baselines: a single one applies to both, so
 * `--config a --config b --baselines d` compares configurations and `--baselines d1 --baselines d2`
 * compares folders (with the default or the one --config).
 */
export function diffSides(configs: readonly string[], baselines: readonly string[]): [DiffSide, DiffSide] {
  if (configs.length > 2) throw new InvalidConfigError(`--config is given ${configs.length} times: give it once (both sides) or twice (A then B)`);
  if (baselines.length > 2) throw new InvalidConfigError(`--baselines is given ${baselines.length} times: give it once (both sides) or twice (A then B)`);
  if (configs.length < 2 && baselines.length < 2) {
    throw new InvalidConfigError('nothing to compare: give --config twice (A then B), --baselines twice, or both');
  }
  const side = (i: number): DiffSide => {
    const file = configs[i] ?? configs[0];
    const { config } = loadConfig(file);
    const given = baselines[i] ?? baselines[0];
    const dir = given === NO_BASELINES ? undefined : (given ?? config.baselinesDir);
    const label = [file ? `--config ${file}` : 'default config', dir ? `--baselines ${dir}` : 'no declared baselines'].join(' ');
    return { label, config, ...(dir && { baselinesDir: dir }) };
  };
  return [side(0), side(1)];
}

function count(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidConfigError(`${name} "${raw}": expected a number from ${min} to ${max}`);
  return n;
}

export async function runDiff(files: string[], opts: DiffCommandOptions): Promise<void> {
  const [a, b] = diffSides(opts.config, opts.baselines);
  const examples = count('--examples', opts.examples, 0, 1000) as number;
  const windowMinutes = count('--match-window-minutes', opts.matchWindowMinutes, 0, 7 * 24 * 60) as number;
  const jobs = count('--jobs', opts.jobs, 1, 2);
  await checkEventFiles(files);
  const progress = opts.progress === false ? undefined : createProgressBar();
  try {
    const result = await runConfigDiff({
      files,
      a,
      b,
      examples: Math.floor(examples),
      windowMs: windowMinutes * 60_000,
      ...(jobs && { jobs: Math.floor(jobs) }),
      ...(progress && { onProgress: progress.update }),
      ...(opts.format !== undefined && { format: opts.format }),
    });
    progress?.done();
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatConfigDiff(result)}\n`);
  } finally {
    progress?.done();
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'Replay historical logs under two configurations or two baselines folders and show which alerts appear, disappear or change severity, by detector and agent.',
    )
    .argument('<file...>', 'event files (.jsonl, .jsonl.gz), in time order, as for `agentwatch replay`')
    .option('-c, --config <file>', 'configuration of A, then of B (once: both sides)', collect, [])
    .option('-b, --baselines <dir>', `declared baselines folder of A, then of B (once: both sides; "${NO_BASELINES}": none)`, collect, [])
    .option('--examples <n>', 'examples shown per detector and agent', '3')
    .option('--match-window-minutes <n>', 'an alert whose id changed still matches one of the same agent and detector this close in time', '30')
    .option('-j, --jobs <n>', '2: replay A and B in two threads; 1: both in this thread, reading the logs once (default: 2 when a core is idle)')
    .option('--json', 'machine-readable output')
    .option('--format <name>', `log format of the files: ${FORMAT_CHOICES.join(', ')} (default: input.format, auto = recognised per file)`)
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .addHelpText(
      'after',
      '\nAlerts are matched by id (same agent, detector and trigger event), then by agent and detector within the window.\n' +
        'Only opening alerts count; severity is the highest an incident reached.\n' +
        '\nExamples:\n  agentwatch diff logs/*.jsonl.gz --config prod.yaml --config candidate.yaml --baselines baselines/\n' +
        '  agentwatch diff fixtures/demo/events.jsonl.gz --baselines fixtures/demo/baselines --baselines my-baselines/',
    )
    .action(runDiff);
}
