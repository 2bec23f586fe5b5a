import type { TSchema } from '@sinclair/typebox';
import { InvalidConfigError } from '../core/errors.js';
import { type Config, ConfigSchema } from '../config/config-schema.js';
import { parseConfig } from '../config/load-config.js';
import { SchemaValidator } from '../config/schema-validator.js';

export type SettingValue = number | boolean | string;

/** One `--set key=v1,v2,…`: a dotted config path and the values to try. */
export interface SweepAxis {
  key: string;
  values: SettingValue[];
}

/** One point of the cartesian product: a complete, validated configuration. */
export interface SweepSetting {
  index: number;
  values: Record<string, SettingValue>;
  /** `minCount=10 z=2`: the keys' last two segments, as the table shows them. */
  label: string;
  /** Every swept value equals the base configuration's: today's behaviour. */
  isBase: boolean;
  config: Config;
}

/** More would be a week of replays; a sweep is for a handful of candidates per key. */
export const MAX_SWEEP_SETTINGS = 64;

/** Only these sections change what a replay raises (kafka, run and telemetry do not). */
const SWEEPABLE_ROOTS = ['engine', 'input'];
/** Settings of how files are read: the settings of one sweep share one read and decode. */
const READ_SETTINGS = ['input.format', 'input.maxDocumentBytes'];

interface LeafSchema extends TSchema {
  type?: string;
  properties?: Record<string, LeafSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  const?: unknown;
  default?: unknown;
  description?: string;
}

function leafPaths(node: LeafSchema, prefix = ''): string[] {
  if (node.type !== 'object' || !node.properties) return prefix ? [prefix] : [];
  return Object.entries(node.properties).flatMap(([k, child]) => leafPaths(child, prefix ? `${prefix}.${k}` : k));
}

/** The schema of a dotted config path, or an error naming the known keys where it goes wrong. */
export function settingSchema(key: string): LeafSchema {
  const parts = key.split('.');
  if (parts.some((p) => p === '')) throw new InvalidConfigError(`--set ${key}: not a dotted config path (e.g. engine.rateSpike.minCount)`);
  if (!SWEEPABLE_ROOTS.includes(parts[0] as string)) {
    throw new InvalidConfigError(`--set ${key}: only engine.* and input.* settings change what a replay raises (see schemas/config.schema.json)`);
  }
  let node = ConfigSchema as unknown as LeafSchema;
  for (const [i, part] of parts.entries()) {
    const next = node.properties?.[part];
    if (!next) {
      const at = parts.slice(0, i).join('.') || '(top level)';
      const known = Object.keys(node.properties ?? {}).join(', ');
      const elsewhere = leafPaths(ConfigSchema as unknown as LeafSchema).filter(
        (p) => p.endsWith(`.${part}`) && SWEEPABLE_ROOTS.includes(p.split('.')[0] as string),
      );
      const hint = elsewhere.length ? ` (did you mean ${elsewhere.join(' or ')}?)` : '';
      throw new InvalidConfigError(`--set ${key}: unknown key "${part}" in ${at}${hint}${known ? `; known keys there: ${known}` : ' (it is not an object)'}`);
    }
    node = next;
  }
  if (READ_SETTINGS.includes(key)) {
    throw new InvalidConfigError(
      `--set ${key}: changes how the files are read, which every setting of a sweep shares; set it with --config (or --format) and run tune once per value`,
    );
  }
  if (node.type === 'object') {
    throw new InvalidConfigError(
      `--set ${key}: is a section, not a setting; one of: ${Object.keys(node.properties ?? {})
        .map((k) => `${key}.${k}`)
        .join(', ')}`,
    );
  }
  return node;
}

/** "an integer ≥ 1, default 20": what the schema allows, for error messages. */
export function describeAllowed(schema: LeafSchema): string {
  if (schema.const !== undefined) return `only ${JSON.stringify(schema.const)}`;
  const kind = schema.type === 'integer' ? 'an integer' : schema.type === 'number' ? 'a number' : schema.type === 'boolean' ? 'true or false' : 'a string';
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  const range = bounds.length ? ` ${bounds.join(' and ')}` : '';
  const def = schema.default !== undefined ? `, default ${JSON.stringify(schema.default)}` : '';
  return `${kind}${range}${def}`;
}

function parseValue(key: string, raw: string, schema: LeafSchema, validator: SchemaValidator<TSchema>): SettingValue {
  const allowed = describeAllowed(schema);
  let value: SettingValue;
  if (schema.type === 'integer' || schema.type === 'number') {
    value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new InvalidConfigError(`--set ${key}: "${raw}" is not a number; allowed: ${allowed}`);
  } else if (schema.type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new InvalidConfigError(`--set ${key}: "${raw}" is not true or false`);
    value = raw === 'true';
  } else {
    value = raw;
  }
  const problems = validator.check(value);
  if (problems.length) {
    const why = schema.description ? ` — ${schema.description}` : '';
    throw new InvalidConfigError(`--set ${key}: ${JSON.stringify(value)} is out of range; allowed: ${allowed}${why}`);
  }
  return value;
}

/** Parses one `key=v1,v2,…`, every value checked against the key's schema. */
export function parseSweepAxis(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InvalidConfigError(`--set "${spec}": expected key=value1,value2,… (e.g. engine.rateSpike.minCount=10,20,40)`);
  const key = spec.slice(0, eq).trim();
  const schema = settingSchema(key);
  const validator = new SchemaValidator(schema);
  const raws = spec
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (raws.length === 1 && raws[0] === '') throw new InvalidConfigError(`--set ${key}: no values; allowed: ${describeAllowed(schema)}`);
  const values = raws.map((raw) => parseValue(key, raw, schema, validator));
  const seen = new Set<SettingValue>();
  for (const v of values) {
    if (seen.has(v)) throw new InvalidConfigError(`--set ${key}: value ${JSON.stringify(v)} is given twice`);
    seen.add(v);
  }
  return { key, values };
}

function getPath(config: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), config);
}

function setPath(config: Record<string, unknown>, key: string, value: SettingValue): void {
  const parts = key.split('.');
  let node = config;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1] as string] = value;
}

const shortKey = (key: string): string => key.split('.').slice(-2).join('.');

/**
 * The cartesian product of the axes over a base configuration (the first axis varies slowest),
 * each point validated as a whole configuration. Capped at MAX_SWEEP_SETTINGS.
 */
export function expandSweep(base: Config, specs: readonly string[]): SweepSetting[] {
  if (specs.length === 0) throw new InvalidConfigError('nothing to sweep: give at least one --set key=value1,value2,…');
  const axes = specs.map(parseSweepAxis);
  const keys = new Set<string>();
  for (const a of axes) {
    if (keys.has(a.key)) throw new InvalidConfigError(`--set ${a.key} is given twice; put all its values in one list`);
    keys.add(a.key);
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_SWEEP_SETTINGS) {
    throw new InvalidConfigError(
      `${total} settings (${axes.map((a) => a.values.length).join(' × ')}) is more than ${MAX_SWEEP_SETTINGS}: shorten the --set lists or sweep one key at a time`,
    );
  }
  let points: Record<string, SettingValue>[] = [{}];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.key]: v })));
  return points.map((values, index) => {
    const config = structuredClone(base) as Config;
    for (const [key, value] of Object.entries(values)) setPath(config as unknown as Record<string, unknown>, key, value);
    const label = Object.entries(values)
      .map(([k, v]) => `${shortKey(k)}=${String(v)}`)
      .join(' ');
    return {
      index,
      values,
      label,
      isBase: Object.entries(values).every(([k, v]) => getPath(base, k) === v),
      config: parseConfig(config, `--set ${label}`),
    };
  });
}
