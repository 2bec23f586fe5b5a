import type { Command } from 'commander';
import { InvalidConfigError } from '../core/errors.js';
import { loadConfig } from '../config/load-config.js';
import { SchemaValidator, formatProblems } from '../config/schema-validator.js';
import { type Label, LabelSchema } from '../evaluation/evaluate-alerts.js';
import { formatSweep } from '../evaluation/format-sweep.js';
import { runSweep } from '../evaluation/parameter-sweep.js';
import { MAX_SWEEP_SETTINGS, expandSweep } from '../evaluation/sweep-settings.js';
import { FORMAT_CHOICES } from '../formats/format-registry.js';
import { createProgressBar } from './progress-bar.js';
import { checkEventFiles, expectFileKind } from './cli-checks.js';
import { readJsonlValues } from './read-jsonl.js';

export interface TuneCommandOptions {
  config?: string;
  baselines?: string;
  labels?: string;
  set: string[];
  json?: boolean;
  jobs?: string;
  graceMinutes: string;
  progress?: boolean;
  /** Log format of the files, or `auto` (default: input.format of the config). */
  format?: string;
}

const labelValidator = new SchemaValidator(LabelSchema);

async function readLabels(file: string): Promise<Label[]> {
  const labels = await readJsonlValues<Label>(file);
  labels.forEach((l, i) => {
    const problems = labelValidator.check(l);
    if (problems.length) throw new InvalidConfigError(`invalid label:\n${formatProblems(`${file}:${i + 1}`, problems)}`);
  });
  return labels;
}

function positiveInteger(name: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidConfigError(`${name} "${raw}": expected an integer from 1 to ${max}`);
  return n;
}

export async function runTune(files: string[], opts: TuneCommandOptions): Promise<void> {
  const { config } = loadConfig(opts.config);
  const settings = expandSweep(config, opts.set);
  const jobs = positiveInteger('--jobs', opts.jobs, MAX_SWEEP_SETTINGS);
  const grace = Number(opts.graceMinutes);
  if (!(grace >= 0)) throw new InvalidConfigError(`--grace-minutes "${opts.graceMinutes}": expected a number of minutes ≥ 0`);
  await checkEventFiles(files);
  if (opts.labels) await expectFileKind(opts.labels, 'labels', '--labels');
  const labels = opts.labels ? await readLabels(opts.labels) : undefined;
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const progress = opts.progress === false ? undefined : createProgressBar();
  try {
    const result = await runSweep({
      files,
      settings,
      graceMs: grace * 60_000,
      ...(baselinesDir && { baselinesDir }),
      ...(labels && { labels }),
      ...(jobs && { jobs }),
      ...(progress && { onProgress: progress.update }),
      ...(opts.format !== undefined && { format: opts.format }),
    });
    progress?.done();
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSweep(result)}\n`);
  } finally {
    progress?.done();
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerTuneCommand(program: Command): void {
  program
    .command('tune')
    .description(
      'Replay historical logs once per setting of one or more config keys and compare: alerts per day by detector and, with labels, recall, precision and detection delay.',
    )
    .argument('<file...>', 'event files (.jsonl, .jsonl.gz), in time order, as for `agentwatch replay`')
    .requiredOption(
      '--set <key=v1,v2,…>',
      `a dotted config key and the values to try, e.g. engine.rateSpike.minCount=10,20,40; repeat for a cartesian product (at most ${MAX_SWEEP_SETTINGS} settings)`,
      collect,
      [],
    )
    .option('-c, --config <file>', 'base configuration (YAML or JSON); every setting starts from it')
    .option('-b, --baselines <dir>', 'folder of declared baselines (*.yaml), shared by every setting')
    .option('--labels <labels.jsonl>', 'labelled anomalies (as written by scripts/fleet): adds recall, precision and median detection delay')
    .option('--grace-minutes <n>', 'an alert up to this long before or after a label still counts for it', '15')
    .option('-j, --jobs <n>', 'threads, each reading the logs once for its share of the settings (default: one per idle core)')
    .option('--json', 'machine-readable output (every setting, per-detector scores, a digest of its alerts)')
    .option('--format <name>', `log format of the files: ${FORMAT_CHOICES.join(', ')} (default: input.format, auto = recognised per file)`)
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .addHelpText(
      'after',
      '\nKeys are paths in schemas/config.schema.json under engine.* or input.*; each value is checked against it.\n' +
        'Each setting raises exactly what `agentwatch replay --config <that setting>` would.\n' +
        '\nExample:\n  agentwatch tune fixtures/demo/events.jsonl.gz --baselines fixtures/demo/baselines \\\n' +
        '    --labels fixtures/demo/labels.jsonl --set engine.rateSpike.minCount=10,20,40 --set engine.rateSpike.peakMultiplier=2,2.5,3',
    )
    .action(runTune);
}
