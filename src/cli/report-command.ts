import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Alert } from '../core/alerts/alert.js';
import { cannotWrite } from '../core/errors.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { loadConfig } from '../config/load-config.js';
import { readEventRates } from '../report/read-event-rates.js';
import { buildReportData } from '../report/report-data.js';
import { renderReportHtml } from '../report/render-report-html.js';
import { readStateFile } from '../state/state-file.js';
import { agentwatchVersion } from '../version.js';
import { STDOUT, checkEventFiles, checkInputFiles, checkOutputPath, expectFileKind, numberOption } from './cli-checks.js';
import { readJsonlValues } from './read-jsonl.js';

export interface ReportOptions {
  out: string;
  state?: string;
  events?: string[];
  agents?: string;
  config?: string;
  baselines?: string;
}

export async function runReport(alertsFile: string, opts: ReportOptions): Promise<void> {
  const { config } = loadConfig(opts.config);
  const topAgents = numberOption('--agents', opts.agents ?? '6', { min: 0, max: 100, integer: true }) as number;
  await expectFileKind(alertsFile, 'alerts', 'alerts file');
  if (opts.state) checkInputFiles([opts.state], '--state');
  if (opts.events?.length) await checkEventFiles(opts.events);
  checkOutputPath(opts.out, '--out');
  const alerts = (await readJsonlValues<Alert>(alertsFile)).filter(
    (a) => a && typeof a.id === 'string' && typeof a.agentId === 'string' && typeof a.detector === 'string',
  );
  const state = opts.state ? readStateFile(opts.state) : undefined;
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const declared = baselinesDir ? loadBaselinesDir(baselinesDir).baselines : undefined;
  const base = { alerts, settings: config.engine, topAgents, ...(state && { agents: state.engine.agents }) };
  // The noisiest agents first, so that only their events are counted.
  const charted = buildReportData(base).panels.map((p) => p.agentId);
  const timezones = new Map<string, string>();
  for (const id of charted) {
    const tz = declared?.forAgent(
      id,
      state?.engine.agents.find((a) => a.agentId === id)?.agentClass ?? alerts.find((a) => a.agentId === id)?.agentClass,
    )?.timezone;
    if (tz) timezones.set(id, tz);
  }
  const rates = opts.events?.length ? await readEventRates(opts.events, new Set(charted), config.input.maxEventBytes) : undefined;
  const data = buildReportData({ ...base, timezones, ...(rates && { rates: rates.perMinute }) });
  const html = renderReportHtml(data, {
    alertsFile,
    ...(opts.state && { stateFile: opts.state, stateAgents: state?.agents ?? 0 }),
    ...(state?.lastEventTime && { stateLastEventTime: state.lastEventTime }),
    ...(opts.events && { eventFiles: opts.events }),
    generatedAt: new Date().toISOString(),
    agentwatchVersion: agentwatchVersion(),
  });
  try {
    if (opts.out === STDOUT) process.stdout.write(html);
    else writeFileSync(opts.out, html);
  } catch (cause) {
    throw cannotWrite('the report to', opts.out, cause);
  }
  const counted = rates ? `, ${rates.events} events of the charted agents counted` : '';
  process.stderr.write(
    `Report: ${opts.out} (${data.summary.incidents} alerts, ${data.noisiest.length} agents alerting, ${data.panels.length} charted${counted})\n`,
  );
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "A self-contained HTML report (opens offline): alerts over time by detector, the noisiest agents, and each one's rate against its learned band with its alerts marked.",
    )
    .argument('<alerts.jsonl>', 'alerts written by `agentwatch replay` (or a dump of the alerts topic)')
    .requiredOption('-o, --out <report.html>', 'where to write the report (- for standard output)')
    .option('-s, --state <file>', "learned state (replay --save-state): each charted agent's band and threshold by hour of week")
    .option('-e, --events <file...>', 'the event files replayed: observed rates of the charted agents')
    .option('--agents <n>', 'how many of the noisiest agents get a chart', '6')
    .option('-c, --config <file>', 'configuration file (engine settings for the thresholds)')
    .option('-b, --baselines <dir>', "folder of declared baselines (agents' time zones)")
    .addHelpText('after', '\nExample:\n  agentwatch report alerts.jsonl --state march.state.json.gz --events march.jsonl.gz --out report.html')
    .action((alertsFile: string, opts: ReportOptions) => runReport(alertsFile, opts));
}
