import { Command, CommanderError } from 'commander';
import { AgentwatchError } from '../core/errors.js';
import { agentwatchVersion } from '../version.js';
import { registerDemoCommand } from './demo-command.js';
import { registerDiffCommand } from './diff-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerFeedbackCommand } from './feedback-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRunCommand } from './run-command.js';
import { registerTailCommand } from './tail-command.js';
import { registerTuneCommand } from './tune-command.js';

export function buildProgram(): Command {
  // Configured before the commands are added: subcommands inherit exitOverride and the output
  // settings when they are created, not afterwards.
  const program = new Command('agentwatch')
    .description('Streaming behavioural anomaly detection for AI agents and other non-human identities.')
    .version(agentwatchVersion())
    .exitOverride()
    .configureOutput({
      // Commander's own mistakes (unknown option, missing argument) read like ours: one line.
      outputError: (text, write) => write(`agentwatch: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
    });
  registerReplayCommand(program);
  registerRunCommand(program);
  registerTailCommand(program);
  registerDemoCommand(program);
  registerEvalCommand(program);
  registerProduceCommand(program);
  registerFeedbackCommand(program);
  registerInspectCommand(program);
  registerReportCommand(program);
  registerTuneCommand(program);
  registerDiffCommand(program);
  program.addHelpText('after', '\nExample:\n  npx agentwatch replay fixtures/demo/events.jsonl.gz --baselines fixtures/demo/baselines --output alerts.jsonl');
  return program;
}

const IO_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/**
 * Errors with a code are the user's to fix: one clear line, exit 2. So are the file system's
 * (a path that slipped past the checks). Anything else is ours: one line and exit 1; the stack
 * only with AGENTWATCH_DEBUG=1, since a user cannot act on it.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof AgentwatchError) {
      process.stderr.write(`agentwatch: ${err.message} [${err.code}]\n`);
      return 2;
    }
    const sys = err as NodeJS.ErrnoException;
    if (typeof sys?.code === 'string' && sys.code in IO_REASONS && typeof sys.path === 'string') {
      process.stderr.write(`agentwatch: ${sys.path}: ${IO_REASONS[sys.code]} [AW_IO]\n`);
      return 2;
    }
    const message = (err as Error)?.message ?? String(err);
    process.stderr.write(`agentwatch: unexpected error: ${message.split('\n')[0]} (please report it; AGENTWATCH_DEBUG=1 shows where)\n`);
    if (process.env['AGENTWATCH_DEBUG']) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
