import type { DeclaredBaselinesDocument } from '../core/baselines/declared-baselines-schema.js';
import type { EngineSnapshot } from '../core/engine.js';
import type { Config } from '../config/config-schema.js';
import { agentwatchVersion } from '../version.js';
import { configFingerprint } from './config-fingerprint.js';
import { type StateEnvelope, buildStateEnvelope } from './state-envelope.js';
import { readStateFile, writeStateFile } from './state-file.js';

export interface LoadedState {
  state: StateEnvelope;
  /** Reasons to be careful with this state here (shown as warnings, never fatal). */
  warnings: string[];
}

/** Reads a state file and says where it does not fit the current configuration. */
export function loadWarmState(file: string, config: Pick<Config, 'engine' | 'input'>, baselines: DeclaredBaselinesDocument | undefined): LoadedState {
  const state = readStateFile(file);
  const warnings: string[] = [];
  const here = configFingerprint(config, baselines);
  if (state.configFingerprint !== here) {
    warnings.push(
      `${file} was learned under other engine settings or declared baselines (${state.configFingerprint}, here ${here}): its baselines apply, judged by the current rules`,
    );
  }
  return { state, warnings };
}

/** The state after a replay, with its lineage: the files of the state it continued, then its own. */
export function saveWarmState(
  file: string,
  engine: EngineSnapshot,
  from: { files: readonly string[]; firstEventTime?: string; lastEventTime?: string; previous?: StateEnvelope },
  config: Pick<Config, 'engine' | 'input'>,
  baselines: DeclaredBaselinesDocument | undefined,
): StateEnvelope {
  const prev = from.previous;
  const first = [prev?.firstEventTime, from.firstEventTime].filter((t): t is string => t !== undefined).sort()[0];
  const last = [prev?.lastEventTime, from.lastEventTime]
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
  const envelope = buildStateEnvelope(engine, {
    agentwatchVersion: agentwatchVersion(),
    createdAt: new Date().toISOString(),
    createdFrom: [...(prev?.createdFrom ?? []), ...from.files],
    ...(first !== undefined && { firstEventTime: first }),
    ...(last !== undefined && { lastEventTime: last }),
    configFingerprint: configFingerprint(config, baselines),
  });
  writeStateFile(file, envelope);
  return envelope;
}
