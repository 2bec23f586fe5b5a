import { createHash } from 'node:crypto';
import type { DeclaredBaselinesDocument } from '../core/baselines/declared-baselines-schema.js';
import type { Config } from '../config/config-schema.js';

/** JSON with object keys sorted, so the same settings always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a learned state depends on: the engine settings, the reordering window and the declared
 * baselines. A state loaded under another fingerprint still works (a tuning run does exactly
 * that), but its thresholds were learned under other rules: the CLI warns.
 */
export function configFingerprint(config: Pick<Config, 'engine' | 'input'>, baselines: DeclaredBaselinesDocument | undefined): string {
  // The memory budget is the machine's, not a rule of detection: the same state on a larger machine is the same state.
  const { maxStateBytes: _budget, ...engine } = config.engine;
  const hash = createHash('sha256').update(canonical({ engine, latenessMs: config.input.latenessMs, baselines: baselines ?? {} }));
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}
