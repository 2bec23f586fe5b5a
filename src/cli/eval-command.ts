import type { Command } from 'commander';
import { InvalidConfigError } from '../core/errors.js';
import { type AlertLike, type Label, evaluateAlerts, formatEvaluation } from '../evaluation/evaluate-alerts.js';
import { expectFileKind, numberOption } from './cli-checks.js';
import { readJsonlValues } from './read-jsonl.js';
import { fitLine, outputColumns, shortenArns } from './terminal-text.js';

export interface EvalOptions {
  json?: boolean;
  graceMinutes?: string;
  agents?: string;
  days?: string;
  detectors?: string;
}

function evalNumbers(opts: EvalOptions): { grace: number; agents: number | undefined; days: number | undefined } {
  const grace = numberOption('--grace-minutes', opts.graceMinutes ?? '15', { min: 0, what: 'a number of minutes' }) as number;
  const agents = numberOption('--agents', opts.agents, { min: 1, integer: true });
  const days = numberOption('--days', opts.days, { what: 'a number of days above 0' });
  if (days !== undefined && !(days > 0 && days <= 36_500)) throw new InvalidConfigError(`--days "${opts.days}": expected a number of days above 0`);
  return { grace, agents, days };
}

/** Scores alerts already in memory (the demo's) and prints the table, the missed labels and the false alerts. */
export function printEvaluation(allAlerts: readonly AlertLike[], allLabels: readonly Label[], opts: EvalOptions): void {
  const { grace, agents, days } = evalNumbers(opts);
  const only = opts.detectors
    ?.split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const keep = (d: string) => !only || only.includes(d);
  const alerts = allAlerts.filter((a) => keep(a.detector));
  const labels = allLabels.filter((l) => keep(l.detector));
  const evaluation = evaluateAlerts(alerts, labels, {
    graceMs: grace * 60_000,
    ...(agents !== undefined && { agents }),
    ...(days !== undefined && { spanMs: days * 86_400_000 }),
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(evaluation, null, 2)}\n`);
    return;
  }
  const fit = (line: string) => fitLine(shortenArns(line), outputColumns(process.stdout));
  process.stdout.write(`${formatEvaluation(evaluation)}\n`);
  if (evaluation.missed.length) {
    process.stdout.write(
      `\nMissed (${evaluation.missed.length}):\n${evaluation.missed.map((l) => fit(`  ${l.kind && l.kind !== l.detector ? `${l.detector}/${l.kind}` : l.detector} ${l.agentId} ${l.start.slice(0, 16).replace('T', ' ')}  ${l.description ?? ''}`)).join('\n')}\n`,
    );
  }
  if (evaluation.falseAlerts.length) {
    const shown = evaluation.falseAlerts.slice(0, 20);
    process.stdout.write(
      `\nFalse alerts (${evaluation.falseAlerts.length}${shown.length < evaluation.falseAlerts.length ? `, first ${shown.length}` : ''}):\n${shown.map((a) => fit(`  ${a.detector} ${a.agentId} ${a.time.slice(0, 16).replace('T', ' ')}`)).join('\n')}\n`,
    );
  }
}

export async function runEval(opts: EvalOptions & { alerts: string; labels: string }): Promise<void> {
  // Options and the kinds of both files first: a swapped pair is the common mistake.
  evalNumbers(opts);
  await expectFileKind(opts.alerts, 'alerts', '--alerts');
  await expectFileKind(opts.labels, 'labels', '--labels');
  const alerts = await readJsonlValues<AlertLike>(opts.alerts);
  const labels = await readJsonlValues<Label>(opts.labels);
  printEvaluation(alerts, labels, opts);
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('Score alerts against labelled anomalies: recall, false alerts and detection delay per detector and per kind of anomaly.')
    .requiredOption('--alerts <alerts.jsonl>', 'alerts written by `agentwatch replay`')
    .requiredOption('--labels <labels.jsonl>', 'labelled anomalies (as written by scripts/fleet/cli.ts)')
    .option('--grace-minutes <n>', 'an alert up to this long before or after a label still counts for it', '15')
    .option('--agents <n>', 'agents in the fleet (for false alerts per agent-week; default: agents that alerted)')
    .option('--days <n>', 'days covered by the replay (for false alerts per agent-week; default 7)')
    .option('--detectors <list>', 'score only these detectors (comma-separated)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  agentwatch eval --alerts alerts.jsonl --labels fixtures/demo/labels.jsonl --agents 12 --days 21')
    .action(runEval);
}
