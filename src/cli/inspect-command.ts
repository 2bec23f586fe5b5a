import type { Command } from 'commander';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { InputNotFoundError } from '../core/errors.js';
import { loadBaselinesDir } from '../config/load-baselines.js';
import { loadConfig } from '../config/load-config.js';
import { closeMatches } from '../inspect/close-matches.js';
import { describeAgent } from '../inspect/describe-agent.js';
import { parseHourOfWeek } from '../inspect/describe-rate-windows.js';
import { formatAgentDescription } from '../inspect/format-agent-description.js';
import { readStateFile } from '../state/state-file.js';
import { checkInputFiles, numberOption } from './cli-checks.js';

export interface InspectOptions {
  state: string;
  json?: boolean;
  limit?: string;
  config?: string;
  baselines?: string;
  hour?: string;
}

export function runInspect(agentId: string, opts: InspectOptions): void {
  const { config } = loadConfig(opts.config);
  const limit = numberOption('--limit', opts.limit ?? '10', { min: 1, integer: true }) as number;
  const hourOfWeek = opts.hour === undefined ? undefined : parseHourOfWeek(opts.hour);
  checkInputFiles([opts.state], '--state');
  const baselinesDir = opts.baselines ?? config.baselinesDir;
  const declared = baselinesDir ? loadBaselinesDir(baselinesDir).baselines : DeclaredBaselines.empty();
  const state = readStateFile(opts.state);
  const agents = state.engine.agents;
  const snapshot = agents.find((a) => a.agentId === agentId);
  if (snapshot === undefined) {
    const near = closeMatches(
      agentId,
      agents.map((a) => a.agentId),
    );
    const hint = near.length
      ? `; did you mean ${near.join(', ')}?`
      : agents.length
        ? `; it has e.g. ${agents
            .slice(0, 3)
            .map((a) => a.agentId)
            .join(', ')}`
        : '';
    throw new InputNotFoundError(`agent ${agentId} is not in ${opts.state} (${agents.length} agents)${hint}`);
  }
  const declaration = declared.forAgent(agentId, snapshot.agentClass);
  const timezone = declaration?.timezone;
  const maintenance = declaration?.maintenance?.declared;
  const description = describeAgent(snapshot, config.engine, {
    limit,
    fleet: agents,
    ...(timezone && { timezone }),
    ...(maintenance && { maintenance }),
    ...(hourOfWeek !== undefined && { hourOfWeek }),
  });
  const text = opts.json
    ? JSON.stringify({ state: { file: opts.state, lastEventTime: state.lastEventTime ?? null }, ...description }, null, 2)
    : formatAgentDescription(description);
  process.stdout.write(`${text}\n`);
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      'What agentwatch believes is normal for one agent: learning status, rates by hour of week, known resources, permissions and locations, open incidents, grace periods and the alerts they held back, peer group.',
    )
    .argument('<agent-id>', 'the agent (exact id; close matches are suggested)')
    .requiredOption('-s, --state <file>', 'state saved by `agentwatch replay … --save-state <file>`')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'values listed per section (resources, permissions, …)', '10')
    .option('-c, --config <file>', 'configuration file (its engine settings give learning period and rate_spike thresholds)')
    .option('-b, --baselines <dir>', "folder of declared baselines (names the agent's time zone)")
    .option('--hour <day hh>', 'local hour of the week whose rate_spike window thresholds are shown, e.g. "Tue 14" (default: the agent\'s current hour)')
    .addHelpText(
      'after',
      '\nExample:\n  agentwatch inspect agent:support-copilot-6 --state march.state.json.gz --baselines baselines/\n  agentwatch inspect agent:support-copilot-6 --state march.state.json.gz --hour "Tue 14"',
    )
    .action((agentId: string, opts: InspectOptions) => runInspect(agentId, opts));
}
