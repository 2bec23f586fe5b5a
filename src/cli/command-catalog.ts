import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandEntry {
  /** The one line `agentwatch --help` lists; the command's own --help has its full description. */
  readonly summary: string;
  /** Imported only when the command runs (or its help is asked for): start-up pays for one command, not eleven (issue 16). */
  readonly load: () => Promise<Register>;
}

/** Every command, in the order `--help` lists them. Adding one means adding it here. */
export const COMMAND_CATALOG: Readonly<Record<string, CommandEntry>> = {
  replay: {
    summary: 'replay historical audit logs through the engine and write the alerts',
    load: async () => (await import('./replay-command.js')).registerReplayCommand,
  },
  run: {
    summary: 'the live service: events from Kafka in, alerts out, baselines in a changelog',
    load: async () => (await import('./run-command.js')).registerRunCommand,
  },
  tail: { summary: 'follow the alerts topic, one line per alert', load: async () => (await import('./tail-command.js')).registerTailCommand },
  demo: {
    summary: 'replay the bundled demo fleet and score it against its planted anomalies',
    load: async () => (await import('./demo-command.js')).registerDemoCommand,
  },
  eval: {
    summary: 'score alerts against labelled anomalies: recall, false alerts, delay',
    load: async () => (await import('./eval-command.js')).registerEvalCommand,
  },
  produce: { summary: 'publish audit event files into the input Kafka topic', load: async () => (await import('./produce-command.js')).registerProduceCommand },
  feedback: {
    summary: "record an analyst's verdict on an alert (normal or confirmed)",
    load: async () => (await import('./feedback-command.js')).registerFeedbackCommand,
  },
  inspect: { summary: 'what agentwatch believes is normal for one agent', load: async () => (await import('./inspect-command.js')).registerInspectCommand },
  report: { summary: 'a self-contained HTML report of alerts and rates', load: async () => (await import('./report-command.js')).registerReportCommand },
  tune: { summary: 'replay once per setting of config keys and compare the alerts', load: async () => (await import('./tune-command.js')).registerTuneCommand },
  diff: { summary: 'which alerts two configurations or baselines folders change', load: async () => (await import('./diff-command.js')).registerDiffCommand },
};

/**
 * The commands an argument vector needs loaded: the one it names (`agentwatch replay …`,
 * `agentwatch help replay`), or none for the top-level `--help`, `--version` and mistakes, which
 * commander answers from the summaries.
 */
export function commandsNamedIn(args: readonly string[]): string[] {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return first !== undefined && first in COMMAND_CATALOG ? [first] : [];
}
