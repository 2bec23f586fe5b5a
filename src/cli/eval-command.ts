import { type Command } from 'commander';
import { type AlertLike, type Label, evaluateAlerts, formatEvaluation } from '../evaluation/evaluate-alerts.js';
import { readJsonlValues } from './read-jsonl.js';

export async function runEval(opts: { alerts: string; labels: string; json?: boolean; graceMinutes?: string; agents?: string; days?: string; detectors?: string }): Promise<void> {
  const only = opts.detectors?.split(',').map((d) => d.trim()).filter(Boolean);
  const keep = (d: string) => !only || only.includes(d);
  const alerts = (await readJsonlValues<AlertLike>(opts.alerts)).filter((a) => keep(a.detector));
  const labels = (await readJsonlValues<Label>(opts.labels)).filter((l) => keep(l.detector));
  const evaluation = evaluateAlerts(alerts, labels, {
    graceMs: Number(opts.graceMinutes ?? 15) * 60_000,
    ...(opts.agents && { agents: Number(opts.agents) }),
    ...(opts.days && { spanMs: Number(opts.days) * 86_400_000 }),
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(evaluation, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatEvaluation(evaluation)}\n`);
  if (evaluation.missed.length) {
    process.stdout.write(`\nMissed (${evaluation.missed.length}):\n${evaluation.missed.map((l) => `  ${l.detector} ${l.agentId} ${l.start} ${l.description ?? ''}`).join('\n')}\n`);
  }
  if (evaluation.falseAlerts.length) {
    const shown = evaluation.falseAlerts.slice(0, 20);
    process.stdout.write(`\nFalse alerts (${evaluation.falseAlerts.length}${shown.length < evaluation.falseAlerts.length ? `, first ${shown.length}` : ''}):\n${shown.map((a) => `  ${a.detector} ${a.agentId} ${a.time}`).join('\n')}\n`);
  }
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('Score alerts against labelled anomalies: recall, false alerts and detection delay per detector.')
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
