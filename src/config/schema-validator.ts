import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema, Static } from '@sinclair/typebox';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import { ValidatorKind, precompiledValidator } from '../core/precompiled-validators.js';

export const CONFIG_AJV_OPTIONS = { allErrors: true, strict: false, useDefaults: true, verbose: true, discriminator: true } as const;
const ajv = new Ajv(CONFIG_AJV_OPTIONS);

export interface SchemaProblem {
  /** JSON pointer into the document, e.g. /engine/rateSpike/minCount. */
  path: string;
  /** Line in the source file, when known. */
  line?: number;
  message: string;
}

/**
 * Configuration holds secrets (webhook URLs, whose path is the credential; `whsec_` signing
 * keys; passwords and tokens) and an error message ends up in terminals, CI logs and tickets. A
 * value is shown only when neither where it sits nor what it looks like says it may be one.
 */
const SECRET_PATH = /pass(word)?|secret|token|auth|credential|api-?key|headers|url|uri|dsn|sasl|cert|key(file)?$/i;
const SECRET_VALUE = /:\/\/|whsec_|^[A-Za-z0-9+/_=-]{24,}$/;

export function mayBeSecret(path: string, value: unknown): boolean {
  return SECRET_PATH.test(path) || (typeof value === 'string' && SECRET_VALUE.test(value));
}

/** A value for an error message: itself when harmless, else only its size. */
function shown(path: string, value: unknown): string {
  if (mayBeSecret(path, value)) return `the value (${typeof value === 'string' ? `${value.length} characters, ` : ''}not shown: it may be a secret)`;
  return `"${String(value)}"`;
}

/** A key name, unless it looks like a value pasted in the wrong place. */
function keyName(key: string): string {
  return typeof key === 'string' && SECRET_VALUE.test(key) ? `(${key.length} characters, not shown: it may be a secret)` : `"${key}"`;
}

function explain(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key ${keyName(String(e.params['additionalProperty']))} (check the spelling; see the JSON Schema for the allowed keys)`;
    case 'required':
      return `missing required key "${String(e.params['missingProperty'])}"`;
    case 'enum':
      return `must be one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'discriminator': {
      const options = ((e.parentSchema?.['oneOf'] ?? []) as { properties?: Record<string, { const?: unknown }> }[]).map((b) =>
        JSON.stringify(b.properties?.[String(e.params['tag'])]?.const),
      );
      return `"${String(e.params['tag'])}" must be one of ${options.join(', ')}`;
    }
    case 'const':
      return `must be ${JSON.stringify(e.params['allowedValue'])}`;
    case 'pattern':
      return `${shown(e.instancePath, e.data)} does not have the expected form (${String(e.parentSchema?.['description'] ?? e.params['pattern'])})`;
    case 'type':
      return `must be ${String(e.params['type'])}, got ${Array.isArray(e.data) ? 'array' : e.data === null ? 'null' : typeof e.data}`;
    default: {
      const hint = e.parentSchema?.['description'];
      return `${e.message ?? 'is invalid'}${hint ? ` (${String(hint)})` : ''}`;
    }
  }
}

/** A compiled validator that fills defaults and names the path (and line) of each problem. */
export class SchemaValidator<S extends TSchema> {
  private compiled: ValidateFunction<Static<S>> | undefined;

  /** Compiled on first use: start-up pays only for the schemas its command reads (issue 16). */
  constructor(private readonly schema: S) {}

  private get validate(): ValidateFunction<Static<S>> {
    this.compiled ??= precompiledValidator<Static<S>>(ValidatorKind.Config, this.schema) ?? ajv.compile<Static<S>>(this.schema);
    return this.compiled;
  }

  /** Validates `value` in place (defaults are filled). Returns problems, empty when valid. */
  check(value: unknown, doc?: { document: Document; lines: LineCounter }): SchemaProblem[] {
    if (this.validate(value)) return [];
    const seen = new Set<string>();
    const problems: SchemaProblem[] = [];
    for (const e of this.validate.errors ?? []) {
      // anyOf/oneOf wrappers repeat the branch errors; keep the specific ones.
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
      const message = explain(e);
      const key = `${e.instancePath}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const problem: SchemaProblem = { path: e.instancePath || '/', message };
      // Point at the offending key itself, not the object that holds it.
      const extra = e.keyword === 'additionalProperties' ? `/${String(e.params['additionalProperty']).replace(/~/g, '~0').replace(/\//g, '~1')}` : '';
      const line = doc && lineOf(doc.document, doc.lines, e.instancePath + extra);
      if (line !== undefined) problem.line = line;
      problems.push(problem);
    }
    return problems;
  }
}

function lineOf(document: Document, lines: LineCounter, pointer: string): number | undefined {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = segments.length; n >= 0; n--) {
    const node = document.getIn(
      segments.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      true,
    );
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Aliases a document may expand. The yaml default (100) already stops an alias bomb (a few lines
 * that expand to billions of nodes); it is set here so the limit is ours, and its error becomes a
 * config error rather than an exception.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML (a superset of JSON) keeping positions for error messages. Errors come back as
 * "line L, column C: message", without the source excerpt yaml's pretty errors quote: the line
 * at fault may hold a secret.
 */
export function parseYamlWithLines(text: string): { value: unknown; document: Document; lines: LineCounter; errors: string[] } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return '';
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}: `;
  };
  const errors = document.errors.map((e) => `${where(e.pos[0])}${e.message.split('\n')[0] ?? ''}`);
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      // Excessive aliases (a ReferenceError) carry no position: the first alias is shown instead.
      let first: number | undefined;
      visit(document, {
        Alias(_, node) {
          first = node.range?.[0];
          return visit.BREAK;
        },
      });
      const alias = /alias/i.test((cause as Error).message);
      errors.push(`${where(first)}${alias ? `more than ${MAX_ALIAS_COUNT} alias expansions (a YAML alias bomb?)` : (cause as Error).message}`);
    }
  }
  return { value, document, lines, errors };
}

export function formatProblems(file: string, problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `  ${file}${p.line !== undefined ? `:${p.line}` : ''} at ${p.path}: ${p.message}`).join('\n');
}
