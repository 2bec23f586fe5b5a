import { Command, CommanderError } from 'commander';
import { AgentwatchError } from '../core/errors.js';
import { registerDemoCommand } from './demo-command.js';
import { registerDiffCommand } from './diff-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerFeedbackCommand } from './feedback-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRunCommand } from './run-command.js';
import { registerTuneCommand } from './tune-command.js';

export function buildProgram(): Command {
  const program = new Command('agentwatch')
    .description('Streaming behavioural anomaly detection for AI agents and other non-human identities.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerReplayCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerEvalCommand(program);
  registerProduceCommand(program);
  registerFeedbackCommand(program);
  registerInspectCommand(program);
  registerReportCommand(program);
  registerTuneCommand(program);
  registerDiffCommand(program);
  program.addHelpText('after', '\nExample:\n  agentwatch replay events.jsonl.gz --baselines baselines/ --output alerts.jsonl');
  return program;
}

/** Errors with a code are the user's to fix: one clear line, exit 2. Anything else is ours: the stack, exit 1. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof AgentwatchError) {
      process.stderr.write(`agentwatch: ${err.message} [${err.code}]\n`);
      return 2;
    }
    process.stderr.write(`agentwatch: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
