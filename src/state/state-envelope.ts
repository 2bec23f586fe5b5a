import { type EngineSnapshot } from '../core/engine.js';
import { InvalidSnapshotError } from '../core/errors.js';
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

/**
 * Checks a parsed document is a state file this version can read. Agent snapshots are checked
 * again, one by one, when restored (restoreAgent).
 */
export function parseStateEnvelope(value: unknown, source: string): StateEnvelope {
  if (!isObject(value) || value['format'] !== STATE_FORMAT) {
    const hint = isObject(value) && 'agentId' in value && 'detector' in value ? ' (it looks like an alert)' : isObject(value) && 'agentId' in value ? ' (it looks like an event or a single agent snapshot)' : '';
    throw new InvalidSnapshotError(`${source} is not an agentwatch state file${hint}: write one with \`agentwatch replay … --save-state <file>\``);
  }
  const version = value['formatVersion'];
  if (version !== STATE_FORMAT_VERSION) {
    const writer = typeof value['agentwatchVersion'] === 'string' ? ` (written by agentwatch ${value['agentwatchVersion']})` : '';
    const fix = typeof version === 'number' && version > STATE_FORMAT_VERSION ? 'upgrade agentwatch to read it' : 'save the state again with this version';
    throw new InvalidSnapshotError(`${source} is a state file of format version ${String(version)}${writer}; this agentwatch (${agentwatchVersion()}) reads version ${STATE_FORMAT_VERSION}: ${fix}`);
  }
  const engine = value['engine'];
  if (!isObject(engine) || engine['v'] !== ENGINE_SNAPSHOT_VERSION || !Array.isArray(engine['agents'])) {
    throw new InvalidSnapshotError(`${source}: the engine snapshot is missing or of an unknown version (${isObject(engine) ? String(engine['v']) : 'none'}; expected ${ENGINE_SNAPSHOT_VERSION})`);
  }
  if (!Array.isArray(value['createdFrom']) || typeof value['configFingerprint'] !== 'string') {
    throw new InvalidSnapshotError(`${source}: the state file's header is incomplete (createdFrom, configFingerprint)`);
  }
  return value as unknown as StateEnvelope;
}
