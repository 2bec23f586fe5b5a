import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { InvalidConfigError } from '../core/errors.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { loadConfig } from '../config/load-config.js';
import { replay, type ReplaySummary } from '../pipeline/replay.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import { ConsoleSink } from '../sinks/console-sink.js';
import { FileSink } from '../sinks/file-sink.js';
import { StdoutJsonSink } from '../sinks/stdout-json-sink.js';
import { buildAlertRouter } from '../sinks/sink-registry.js';
import { JsonlFileWriter } from '../sinks/jsonl-file-writer.js';
import { noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import type { MetricsServer } from '../telemetry/metrics-server.js';
import { FORMAT_CHOICES } from '../formats/format-registry.js';
import { formatSummary } from './format-summary.js';
import { formatDeliveries, stderrDeliveryLog } from './delivery-output.js';
import { createProgressBar } from './progress-bar.js';
import { STDOUT, checkEventFiles, checkInputFiles, checkOutputPath } from './cli-checks.js';
import { outputColumns, shortenArns, wrapText } from './terminal-text.js';

export interface ReplayCommandOptions {
  output?: string;
  baselines?: string;
  config?: string;
  rejects?: string;
  print?: boolean;
  progress?: boolean;
  summaryJson?: string;
  /** Serve /metrics, /healthz and /readyz (telemetry.host/port) while replaying. */
  metrics?: boolean;
  /** Analysts' verdicts (`agentwatch feedback --file`), applied as their alerts are raised. */
  feedback?: string;
  /** Start from this saved state (warm start) instead of a blank engine. */
  state?: string;
  /** Write the learned state here at the end (`.gz`: compressed). */
  saveState?: string;
  /** Log format of the files, or `auto` (default: input.format of the config). */
  format?: string;
  /** With print: every message of an incident (updates, resolution), not just its opening line. */
  verbose?: boolean;
  /** Further sinks of the caller's (the demo keeps its alerts in memory). */
  sinks?: AlertSink[];
}

/** One plain line on stderr per message: the replay's own output is not structured logs. */
const stderrLog = {
  info: (msg: string, fields?: Record<string, unknown>) => process.stderr.write(`agentwatch: ${msg}${fields?.['url'] ? ` at ${String(fields['url'])}` : ''}\n`),
  warn: (msg: string) => process.stderr.write(`agentwatch: warning: ${msg}\n`),
};

/** Shared by `replay` and `demo`: load config and baselines, replay, report. */
export async function runReplay(files: string[], opts: ReplayCommandOptions): Promise<ReplaySummary> {
  // Everything a person can get wrong is checked before the first event is read.
  const { config, file: configFile } = loadConfig(opts.config);
  await checkEventFiles(files);
  if (opts.feedback) checkInputFiles([opts.feedback], '--feedback');
  if (opts.state) checkInputFiles([opts.state], '--state');
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const loaded = baselinesDir ? loadBaselinesDir(baselinesDir) : undefined;
  const baselines = loaded?.baselines ?? DeclaredBaselines.empty();
  // Warm starts, metrics and verdicts are imported when asked for: a plain replay starts without them (issue 16).
  const warmStart = opts.state || opts.saveState ? await import('../state/warm-start.js') : undefined;
  const warm = opts.state && warmStart ? warmStart.loadWarmState(opts.state, config, loaded?.document) : undefined;
  const toStdout = opts.output === STDOUT;
  // With alerts on stdout there is no file name to derive a rejects file from: --rejects, or none.
  const rejectsPath = opts.rejects ?? (opts.output && !toStdout ? opts.output.replace(/(\.jsonl)?$/, '.rejects.jsonl') : undefined);
  if (opts.output) checkOutputPath(opts.output, '--output');
  if (opts.rejects) checkOutputPath(opts.rejects, '--rejects');
  if (opts.saveState === STDOUT) throw new InvalidConfigError('--save-state needs a file name (the state is binary when it ends in .gz), not -');
  if (opts.saveState) checkOutputPath(opts.saveState, '--save-state');
  if (opts.summaryJson) checkOutputPath(opts.summaryJson, '--summary-json');
  for (const w of warm?.warnings ?? []) stderrLog.warn(w);
  const rejects = rejectsPath && rejectsPath !== STDOUT ? new JsonlFileWriter(rejectsPath, true) : undefined;
  const metrics = opts.metrics ? new (await import('../telemetry/prometheus-metrics.js')).PrometheusMetrics() : undefined;
  const cliSinks: AlertSink[] = [...(opts.sinks ?? [])];
  if (opts.output) cliSinks.push(toStdout ? new StdoutJsonSink('output') : new FileSink(opts.output));
  if (opts.print)
    cliSinks.push(new ConsoleSink(process.stdout, undefined, 'console', { fold: !opts.verbose, columns: outputColumns(process.stdout), shorten: shortenArns }));
  const router = await buildAlertRouter(
    {
      config,
      mode: 'replay',
      baseDir: configFile ? dirname(configFile) : process.cwd(),
      env: process.env,
      metrics: metrics ?? noopPipelineMetrics,
      ...(metrics && { registry: metrics.registry }),
      log: stderrDeliveryLog,
    },
    cliSinks,
  );
  const sinks = router.sinks;
  let server: MetricsServer | undefined;
  const progress = opts.progress === false ? undefined : createProgressBar();
  try {
    if (metrics)
      server = await (
        await import('../telemetry/metrics-server.js')
      ).serveTelemetry(config.telemetry, metrics.registry, () => ({ ready: true, reason: 'replaying' }), stderrLog);
    const verdicts = opts.feedback ? (await import('../feedback/verdict-file.js')).readVerdictsFile(opts.feedback) : undefined;
    const { summary, engine } = await replay({
      files,
      config,
      baselines,
      sinks,
      ...(warm && { initialState: warm.state.engine }),
      ...(verdicts && { verdicts }),
      ...(rejects && { rejects }),
      ...(progress && { onProgress: progress.update }),
      ...(metrics && { metrics }),
      ...(opts.format !== undefined && { format: opts.format }),
    });
    progress?.done();
    if (warm?.state.lastEventTime && summary.firstEventTime && summary.firstEventTime < warm.state.lastEventTime) {
      stderrLog.warn(`the events start (${summary.firstEventTime}) before the state ends (${warm.state.lastEventTime}): the overlap was learned twice`);
    }
    process.stderr.write(`\n${wrapText(formatSummary(summary, config.engine), outputColumns(process.stderr))}\n`);
    if (warm) process.stderr.write(`Warm start: ${warm.state.agents} agents from ${opts.state} (events up to ${warm.state.lastEventTime ?? 'unknown'})\n`);
    if (opts.saveState && warmStart) {
      const saved = warmStart.saveWarmState(
        opts.saveState,
        engine.snapshot(),
        {
          files,
          ...(summary.firstEventTime && { firstEventTime: summary.firstEventTime }),
          ...(summary.lastEventTime && { lastEventTime: summary.lastEventTime }),
          ...(warm && { previous: warm.state }),
        },
        config,
        loaded?.document,
      );
      process.stderr.write(`State: ${saved.agents} agents saved to ${opts.saveState}\n`);
    }
    if (rejects && rejects.count > 0) process.stderr.write(`Rejected lines, with reasons: ${rejects.path}\n`);
    if (opts.output && !toStdout) process.stderr.write(`Alerts: ${opts.output}\n`);
    if (opts.summaryJson === STDOUT) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (opts.summaryJson) writeFileSync(opts.summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    progress?.done();
    await router.close();
    for (const line of formatDeliveries(router)) process.stderr.write(`${line}\n`);
    await rejects?.close();
    await server?.close();
  }
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(
      'Replay historical audit logs through the engine in event-time order and write the alerts: native .jsonl(.gz), or CloudTrail, Kubernetes audit, Entra ID, OCSF and OpenTelemetry logs (JSON Lines or whole JSON documents, gzip or not).',
    )
    .argument('<file...>', 'event files, processed in the order given (name them so that order is time order)')
    .requiredOption('-o, --output <alerts.jsonl>', 'where to write alerts (one JSON object per line); - for standard output')
    .option('-b, --baselines <dir>', 'folder of declared baselines (*.yaml)')
    .option('-c, --config <file>', 'configuration file (YAML or JSON); see schemas/config.schema.json')
    .option(
      '--rejects <file>',
      'where invalid lines go (default: alerts.jsonl → alerts.rejects.jsonl next to --output, created only if needed; none with --output -)',
    )
    .option(
      '--format <name>',
      `log format of the files: ${FORMAT_CHOICES.join(', ')} (default: input.format, auto = recognised per file from its first records)`,
    )
    .option('--print', 'also print each incident as it opens, one line each')
    .option('--verbose', 'with --print: also its updates and resolution')
    .option('--summary-json <file>', 'write the summary as JSON')
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .option(
      '--feedback <feedback.jsonl>',
      "analysts' verdicts (agentwatch feedback … --file): normal teaches and suppresses the pattern, confirmed keeps it flagged",
    )
    .option('--state <file>', 'start from a state saved by --save-state (warm start: baselines already learned)')
    .option(
      '--save-state <file>',
      'save the learned state at the end (JSON; gzip-compressed when the name ends in .gz), for --state, `run --state` and `inspect`',
    )
    .option('--metrics', 'serve Prometheus /metrics (and /healthz, /readyz) while replaying, on telemetry.host:port (127.0.0.1:9464)')
    .addHelpText(
      'after',
      '\nExample:\n  agentwatch replay logs/2026-03-*.jsonl.gz --baselines baselines/ --output alerts.jsonl\n  agentwatch replay march.jsonl.gz --save-state march.state.json.gz --output march-alerts.jsonl\n  agentwatch replay april.jsonl.gz --state march.state.json.gz --output april-alerts.jsonl\n  agentwatch replay cloudtrail/*.json.gz --baselines baselines/packs/aws --output ct-alerts.jsonl\n  agentwatch replay audit.log --format k8s-audit --baselines baselines/packs/kubernetes --output k8s-alerts.jsonl',
    )
    .action(async (files: string[], opts: ReplayCommandOptions) => {
      await runReplay(files, opts);
    });
}
