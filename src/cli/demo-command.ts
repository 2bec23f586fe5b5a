import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command } from 'commander';
import { detectorRegistry } from '../core/detectors/registry.js';
import { runEval } from './eval-command.js';
import { runReplay } from './replay-command.js';

/** The bundled demo fleet; src/cli and dist/cli are both two levels below the package root. */
export const DEMO_DIR = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Replay the bundled demo fleet (fixtures/demo): alerts printed as they fire, a summary, and a score against its labels.')
    .option('-o, --output <alerts.jsonl>', 'also keep the alerts here')
    .addHelpText('after', '\nExample:\n  npm start          # same as: agentwatch demo')
    .action(async (opts: { output?: string }) => {
      const events = ['events.jsonl.gz', 'events.jsonl'].map((f) => join(DEMO_DIR, f)).find((f) => existsSync(f));
      if (!events) throw new Error(`the demo fleet is missing from ${DEMO_DIR}`);
      const output = opts.output ?? join(mkdtempSync(join(tmpdir(), 'agentwatch-demo-')), 'alerts.jsonl');
      process.stdout.write(`agentwatch demo: replaying ${events}\n\n`);
      const summary = await runReplay([events], { output, baselines: join(DEMO_DIR, 'baselines'), print: true });
      const labels = join(DEMO_DIR, 'labels.jsonl');
      if (existsSync(labels) && summary.firstEventTime && summary.lastEventTime) {
        process.stdout.write('\nAgainst the demo fleet\'s labelled anomalies (for the detectors built so far):\n');
        const days = (Date.parse(summary.lastEventTime) - Date.parse(summary.firstEventTime)) / 86_400_000;
        const detectors = detectorRegistry.map((d) => d.name).join(',');
        await runEval({ alerts: output, labels, agents: String(summary.agents), days: String(days), detectors });
      }
    });
}
