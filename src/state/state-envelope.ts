import { Type } from '@sinclair/typebox';
import { agentSnapshotProblem } from '../core/baselines/agent-snapshot-schema.js';
import type { EngineSnapshot } from '../core/engine.js';
import { InvalidSnapshotError } from '../core/errors.js';
import { escapeControls } from '../core/escape-controls.js';
import { NumberOrNull, type RecordProblem, RecordValidator, within } from '../core/record-validator.js';
import { agentwatchVersion } from '../version.js';

/** Marks a JSON document as an agentwatch state file, whatever its name. */
export const STATE_FORMAT = 'agentwatch-state';
/** Bumped when a state file written by this version could not be read by an older one. */
export const STATE_FORMAT_VERSION = 1;
const ENGINE_SNAPSHOT_VERSION = 1;

/**
 * A saved engine state (`replay --save-state`): the learned baselines of every agent, with what
 * is needed to judge whether it fits the deployment it is loaded into.
 */
export interface StateEnvelope {
  format: typeof STATE_FORMAT;
  formatVersion: number;
  agentwatchVersion: string;
  /** Wall clock when it was written (informational; nothing depends on it). */
  createdAt: string;
  /** The event files learned from, oldest first (a state continued from another lists both). */
  createdFrom: string[];
  firstEventTime?: string;
  lastEventTime?: string;
  agents: number;
  /** Hash of the engine settings and declared baselines it was learned under (see config-fingerprint.ts). */
  configFingerprint: string;
  engine: EngineSnapshot;
}

export interface StateProvenance {
  agentwatchVersion: string;
  createdAt: string;
  createdFrom: readonly string[];
  firstEventTime?: string;
  lastEventTime?: string;
  configFingerprint: string;
}

export function buildStateEnvelope(engine: EngineSnapshot, p: StateProvenance): StateEnvelope {
  return {
    format: STATE_FORMAT,
    formatVersion: STATE_FORMAT_VERSION,
    agentwatchVersion: p.agentwatchVersion,
    createdAt: p.createdAt,
    createdFrom: [...p.createdFrom],
    ...(p.firstEventTime !== undefined && { firstEventTime: p.firstEventTime }),
    ...(p.lastEventTime !== undefined && { lastEventTime: p.lastEventTime }),
    agents: engine.agents.length,
    configFingerprint: p.configFingerprint,
    engine,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The envelope around the agents, which are checked one by one (agent-snapshot-schema.ts). */
const StateHeaderSchema = Type.Object({
  agentwatchVersion: Type.String(),
  createdAt: Type.String(),
  createdFrom: Type.Array(Type.String()),
  firstEventTime: Type.Optional(Type.String()),
  lastEventTime: Type.Optional(Type.String()),
  agents: Type.Integer({ minimum: 0 }),
  configFingerprint: Type.String(),
  engine: Type.Object({ sweepAtMs: NumberOrNull, agents: Type.Array(Type.Unknown()) }),
});
const header = new RecordValidator(StateHeaderSchema);

function invalid(source: string, p: RecordProblem, what = 'invalid state file'): InvalidSnapshotError {
  return new InvalidSnapshotError(`${source}: ${what} at ${p.path}: ${p.message} (a damaged or edited file: save the state again, or start without it)`);
}

/**
 * Checks a parsed document is a state file this version can read, every agent snapshot
 * included: a state is loaded whole or not at all, and a wrong field is named by its path
 * rather than found by a TypeError deep in a restore.
 */
export function parseStateEnvelope(value: unknown, source: string): StateEnvelope {
  if (!isObject(value) || value['format'] !== STATE_FORMAT) {
    const hint =
      isObject(value) && 'agentId' in value && 'detector' in value
        ? ' (it looks like an alert)'
        : isObject(value) && 'agentId' in value
          ? ' (it looks like an event or a single agent snapshot)'
          : '';
    throw new InvalidSnapshotError(`${source} is not an agentwatch state file${hint}: write one with \`agentwatch replay … --save-state <file>\``);
  }
  const version = value['formatVersion'];
  if (version !== STATE_FORMAT_VERSION) {
    const writer = typeof value['agentwatchVersion'] === 'string' ? ` (written by agentwatch ${escapeControls(value['agentwatchVersion'])})` : '';
    const fix = typeof version === 'number' && version > STATE_FORMAT_VERSION ? 'upgrade agentwatch to read it' : 'save the state again with this version';
    throw new InvalidSnapshotError(
      `${source} is a state file of format version ${escapeControls(String(version))}${writer}; this agentwatch (${agentwatchVersion()}) reads version ${STATE_FORMAT_VERSION}: ${fix}`,
    );
  }
  const engine = value['engine'];
  if (!isObject(engine) || engine['v'] !== ENGINE_SNAPSHOT_VERSION || !Array.isArray(engine['agents'])) {
    throw new InvalidSnapshotError(
      `${source}: the engine snapshot is missing or of an unknown version (${isObject(engine) ? escapeControls(String(engine['v'])) : 'none'}; expected ${ENGINE_SNAPSHOT_VERSION})`,
    );
  }
  if (!Array.isArray(value['createdFrom']) || typeof value['configFingerprint'] !== 'string') {
    throw new InvalidSnapshotError(`${source}: the state file's header is incomplete (createdFrom, configFingerprint)`);
  }
  const problem = header.check(value);
  if (problem) throw invalid(source, problem);
  const agents = engine['agents'] as unknown[];
  for (let i = 0; i < agents.length; i++) {
    const p = agentSnapshotProblem(agents[i]);
    if (!p) continue;
    const id = (agents[i] as { agentId?: unknown } | null)?.agentId;
    throw invalid(
      source,
      within(`/engine/agents/${i}`, p),
      `invalid snapshot${typeof id === 'string' ? ` of agent ${JSON.stringify(escapeControls(id))}` : ''}`,
    );
  }
  return value as unknown as StateEnvelope;
}
