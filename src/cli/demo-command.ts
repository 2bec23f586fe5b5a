import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Alert } from '../core/alerts/alert.js';
import { InputNotFoundError } from '../core/errors.js';
import { detectorRegistry } from '../core/detectors/registry.js';
import type { Label } from '../evaluation/evaluate-alerts.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import { checkOutputPath } from './cli-checks.js';
import { printEvaluation } from './eval-command.js';
import { readJsonlValues } from './read-jsonl.js';
import { runReplay } from './replay-command.js';

/** The bundled demo fleet; src/cli and dist/cli are both two levels below the package root. */
export const DEMO_DIR = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));

/** The demo's alerts, kept for its score: no temporary file left behind by `npm start`. */
class MemorySink implements AlertSink {
  readonly name = 'demo';
  readonly alerts: Alert[] = [];
  write(alert: Alert): void {
    this.alerts.push(alert);
  }
  async close(): Promise<void> {}
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Replay the bundled demo fleet (fixtures/demo): each incident printed as it opens, a summary, and a score against the anomalies planted in it.',
    )
    .option('-o, --output <alerts.jsonl>', 'also keep the alerts here (- for standard output)')
    .option('--verbose', 'print every message of an incident (updates, resolution), not just its opening line')
    .addHelpText('after', '\nExample:\n  npm start          # same as: npx agentwatch demo')
    .action(async (opts: { output?: string; verbose?: boolean }) => {
      if (opts.output) checkOutputPath(opts.output, '--output');
      const events = ['events.jsonl.gz', 'events.jsonl'].map((f) => join(DEMO_DIR, f)).find((f) => existsSync(f));
      if (!events) throw new InputNotFoundError(`the demo fleet is missing from ${DEMO_DIR} (a partial checkout?)`);
      const memory = new MemorySink();
      process.stdout.write('agentwatch demo: the bundled fleet (fixtures/demo), with anomalies planted in it\n\n');
      const summary = await runReplay([events], {
        baselines: join(DEMO_DIR, 'baselines'),
        print: true,
        sinks: [memory],
        ...(opts.output && { output: opts.output }),
        ...(opts.verbose && { verbose: true }),
      });
      const labelsFile = join(DEMO_DIR, 'labels.jsonl');
      if (existsSync(labelsFile) && summary.firstEventTime && summary.lastEventTime) {
        process.stdout.write('\nHow many of the planted anomalies were caught:\n');
        const days = (Date.parse(summary.lastEventTime) - Date.parse(summary.firstEventTime)) / 86_400_000;
        const detectors = detectorRegistry.map((d) => d.name).join(',');
        const labels = await readJsonlValues<Label>(labelsFile);
        printEvaluation(memory.alerts, labels, { agents: String(summary.agents), days: String(days), detectors });
      }
    });
}
