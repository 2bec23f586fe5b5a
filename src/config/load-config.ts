import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { dirname, resolve } from 'node:path';
import { InvalidConfigError } from '../core/errors.js';
import { type Config, ConfigSchema } from './config-schema.js';
import { applyEnvOverrides } from './env-overrides.js';
import { SchemaValidator, formatProblems, parseYamlWithLines } from './schema-validator.js';

const validator = new SchemaValidator(ConfigSchema);

export interface LoadedConfig {
  config: Config;
  /** The file it came from, if any (relative paths in it resolve against its folder). */
  file?: string;
}

/** Validates a config value, filling defaults. Throws InvalidConfigError naming every bad path. */
export function parseConfig(value: unknown, file = '<config>', doc?: ReturnType<typeof parseYamlWithLines>): Config {
  const config = (value ?? {}) as Config;
  const problems = validator.check(config, doc);
  if (problems.length) {
    throw new InvalidConfigError(`invalid configuration:\n${formatProblems(file, problems)}`);
  }
  // The machine's share, filled in here at the edge: the engine itself knows no heap.
  config.engine.maxStateBytes ??= defaultStateBudgetBytes();
  return config;
}

/** A quarter of this process's heap limit (issue 13: one budget for all state, sized for the machine). */
export function defaultStateBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 4);
}

/**
 * Loads a YAML or JSON config file (no file: every default), then the AGENTWATCH_* environment
 * variables on top (env-overrides.ts), then validates once.
 */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (file === undefined) return { config: parseConfig(applyEnvOverrides({}, env), '<environment>') };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidConfigError(`cannot read config file ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = parseYamlWithLines(text);
  if (parsed.errors.length) throw new InvalidConfigError(`${file} is not valid YAML/JSON:\n  ${parsed.errors.map((e) => `${file}: ${e}`).join('\n  ')}`);
  const value = parsed.value ?? {};
  const isObject = typeof value === 'object' && !Array.isArray(value);
  const config = parseConfig(isObject ? applyEnvOverrides(value as Record<string, unknown>, env) : value, file, parsed);
  if (config.baselinesDir !== undefined) config.baselinesDir = resolve(dirname(file), config.baselinesDir);
  return { config, file };
}
