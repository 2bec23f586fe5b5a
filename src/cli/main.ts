import { Command, CommanderError } from 'commander';
import { AgentwatchError, ErrorCode } from '../core/errors.js';
import { agentwatchVersion } from '../version.js';
import { COMMAND_CATALOG, commandsNamedIn } from './command-catalog.js';
/**
 * The program with every command (`only` unset: tests, docs) or with just the named ones loaded and
 * the others listed by their summary, so that `--help` and each command start without importing
 * the rest (kafkajs, prom-client, schema compilers; issue 16).
 */
export async function buildProgram(only?: readonly string[]): Promise<Command> {
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
  for (const [name, entry] of Object.entries(COMMAND_CATALOG)) {
    if (only === undefined || only.includes(name)) {
      (await entry.load())(program);
      program.commands.at(-1)?.summary(entry.summary);
    } else {
      // Listed, never run: main() loads a command before parsing whenever the arguments name it.
      program.command(name).summary(entry.summary).allowUnknownOption().helpOption(false);
    }
  }
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

/** System calls whose failure means an output could not be written (AW_FILE_WRITE, else AW_FILE_READ). */
const WRITE_SYSCALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'rmdir', 'copyfile', 'symlink', 'ftruncate', 'fsync']);

/**
 * Errors with a code are the user's to fix: one clear line, exit 2. So are the file system's
 * (a path that slipped past the checks). Anything else is ours: one line and exit 1; the stack
 * only with AGENTWATCH_DEBUG=1, since a user cannot act on it.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(commandsNamedIn(argv.slice(2)));
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof AgentwatchError) {
      process.stderr.write(`agentwatch: ${err.message} [${err.code}]\n`);
      return 2;
    }
    const sys = err as NodeJS.ErrnoException;
    if (typeof sys?.code === 'string' && sys.code in IO_REASONS && typeof sys.path === 'string') {
      const code = WRITE_SYSCALLS.has(sys.syscall ?? '') ? ErrorCode.FileWrite : ErrorCode.FileRead;
      process.stderr.write(`agentwatch: ${sys.path}: ${IO_REASONS[sys.code]} [${code}]\n`);
      return 2;
    }
    const message = (err as Error)?.message ?? String(err);
    process.stderr.write(`agentwatch: unexpected error: ${message.split('\n')[0]} (please report it; AGENTWATCH_DEBUG=1 shows where)\n`);
    if (process.env['AGENTWATCH_DEBUG']) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
