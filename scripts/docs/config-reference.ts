/**
 * docs/configuration.md, rendered from the configuration schema (src/config) and the environment
 * overrides: the reference cannot drift from the code, and test/scripts/config-docs.test.ts fails
 * when the committed file is not what this renders (`npm run docs` rewrites it).
 */
import { ConfigSchema } from '../../src/config/config-schema.js';
import { ENV_OVERRIDES } from '../../src/config/env-overrides.js';
import { isSecretConfigPath } from '../../src/config/secret-fields.js';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  secret?: true | 'url';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function isObject(s: Schema): boolean {
  return s.type === 'object' && s.properties !== undefined;
}

/** Literal values of a union of literals or an enum (TypeBox renders `const` per member). */
function literals(s: Schema): unknown[] | undefined {
  if (s.enum) return s.enum;
  const members = s.anyOf ?? s.oneOf;
  if (members?.every((m) => m.const !== undefined)) return members.map((m) => m.const);
  return undefined;
}

function typeOf(s: Schema): string {
  const values = literals(s);
  if (values) return values.map(code).join(' \\| ');
  if (s.const !== undefined) return code(s.const);
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object' && (s.patternProperties || typeof s.additionalProperties === 'object')) {
    const value = s.patternProperties ? Object.values(s.patternProperties)[0] : (s.additionalProperties as Schema);
    return `map of ${value ? typeOf(value) : 'values'}`;
  }
  if (s.anyOf ?? s.oneOf) return (s.anyOf ?? s.oneOf)!.map(typeOf).join(' \\| ');
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum.toLocaleString('en-US')} to ${s.maximum.toLocaleString('en-US')}`);
  else if (s.minimum !== undefined) out.push(`≥ ${s.minimum.toLocaleString('en-US')}`);
  else if (s.maximum !== undefined) out.push(`≤ ${s.maximum.toLocaleString('en-US')}`);
  if (s.minLength !== undefined && s.minLength > 1) out.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minItems !== undefined && s.minItems > 0) out.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.pattern !== undefined) out.push(`matches ${code(s.pattern)}`);
  if (s.format !== undefined) out.push(s.format);
  return out;
}

/** A default worth printing: objects filled in by their own keys' defaults are left out. */
function defaultOf(s: Schema, required: boolean): string {
  if (s.default === undefined) return required ? 'required' : '—';
  if (isObject(s) && typeof s.default === 'object' && s.default !== null && Object.keys(s.default).length === 0) return '—';
  return code(s.default);
}

interface Table {
  path: string;
  description?: string;
  rows: string[];
}

function walk(s: Schema, path: string, tables: Table[], description?: string): void {
  const table: Table = { path, ...(description && { description }), rows: [] };
  tables.push(table);
  const nested: [Schema, string, string | undefined][] = [];
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    const required = (s.required ?? []).includes(key);
    if (isObject(child)) {
      table.rows.push(`| \`${key}\` | object | — | ${cell(child.description ?? '')} See [\`${childPath}\`](#${anchor(childPath)}). |`);
      nested.push([child, childPath, child.description]);
      continue;
    }
    const variants = child.type === 'array' ? child.items?.oneOf : undefined;
    const more = constraints(child);
    if (child.secret) more.push(child.secret === 'url' ? 'secret: logged as scheme, host and port only' : 'secret: never logged');
    const text = [child.description ?? '', more.length ? `(${more.join('; ')})` : ''].filter(Boolean).join(' ');
    table.rows.push(`| \`${key}\` | ${variants ? 'list of objects' : typeOf(child)} | ${defaultOf(child, required)} | ${cell(text)}${variants ? ` Kinds: ${variants.map((v) => `[\`${String(v.properties?.['type']?.const)}\`](#${anchor(`${childPath}[] type ${String(v.properties?.['type']?.const)}`)})`).join(', ')}.` : ''} |`);
    for (const v of variants ?? []) nested.push([v, `${childPath}[] type ${String(v.properties?.['type']?.const)}`, v.description]);
  }
  for (const [child, childPath, d] of nested) walk(child, childPath, tables, d);
}

function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

export function renderConfigReference(): string {
  const tables: Table[] = [];
  walk(ConfigSchema as unknown as Schema, '', tables);
  const out: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs` from src/config (the schema also published as',
    '     schemas/config.schema.json). Do not edit: test/scripts/config-docs.test.ts checks it. -->',
    '',
    'agentwatch reads one configuration file, YAML or JSON (`--config <file>`); every key is optional',
    'and has the default below. Unknown keys are errors, reported with the file and line. Relative',
    'paths in the file are relative to the file. An editor that knows JSON Schema completes and checks',
    'it with `# yaml-language-server: $schema=<path to>/schemas/config.schema.json` as its first line.',
    '',
    'Durations are in milliseconds (`…Ms`). A commented example: [`deploy/agentwatch/agentwatch.yaml`](../deploy/agentwatch/agentwatch.yaml).',
    '',
  ];
  for (const t of tables) {
    if (t.rows.length === 0) continue;
    out.push(`## ${t.path === '' ? 'Top level' : t.path}`, '');
    if (t.description) out.push(t.description, '');
    out.push('| key | type | default | meaning |', '|---|---|---|---|', ...t.rows, '');
  }
  out.push('## Environment variables', '', 'They override the file (and the defaults); handy in containers.', '', '| variable | key | kind |', '|---|---|---|');
  for (const o of ENV_OVERRIDES) out.push(`| \`${o.env}\` | \`${o.path.join('.')}\` | ${o.kind}${isSecretConfigPath(o.path) ? ' (secret: never logged)' : ''} |`);
  out.push(
    '| `AGENTWATCH_STATE_DIR` | — | folder for state kept across restarts (delivery queues); default `.agentwatch` in the working directory |',
    '| `AGENTWATCH_LOG_LEVEL` | — | `debug`, `info`, `warn` or `error` (logs of `run` on stderr) |',
    '| `AGENTWATCH_LOG_FORMAT` | — | `json` (for collectors), `pretty`, or `auto`: pretty on a terminal, JSON otherwise |',
    '| `AGENTWATCH_DEBUG` | — | `1`: an unexpected error also prints where it happened (a stack trace, for a bug report) |',
    '',
  );
  return out.join('\n');
}
