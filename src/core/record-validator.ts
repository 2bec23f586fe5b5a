import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { valueAt } from './json-pointer.js';
import { ValidatorKind, precompiledValidator } from './precompiled-validators.js';

// Records read back (state files, changelog records, spools, journals) are judged whole: the
// first problem is enough to set one aside, and stopping there keeps a valid record's check to
// a single pass. No defaults and no coercion: a record is never changed by being checked.
// strictNumbers: JSON.parse reads 1e999 as Infinity, which serialises back as null.
// unicode: false measures strings in UTF-16 units (see decode-audit-event.ts for the cost).
export const RECORD_AJV_OPTIONS = { allErrors: false, strict: false, strictNumbers: true, unicode: false, logger: false } as const;
const ajv = new Ajv(RECORD_AJV_OPTIONS);

/** A record schema's validator: generated at build time when the CLI has it, else compiled now. */
export function compileRecordSchema<T>(schema: TSchema): ValidateFunction<T> {
  return precompiledValidator<T>(ValidatorKind.Record, schema) ?? ajv.compile<T>(schema);
}

/** Where a record read back departs from its schema: a JSON pointer into it, and why. */
export interface RecordProblem {
  path: string;
  message: string;
}

const kind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && !Number.isFinite(v) ? 'a non-finite number' : typeof v;

function describe(e: ErrorObject | undefined, value: unknown): RecordProblem {
  if (!e) return { path: '/', message: 'does not match its schema' };
  const path = e.instancePath || '/';
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params['missingProperty']).replace(/~/g, '~0').replace(/\//g, '~1');
      return { path: `${e.instancePath}/${missing}`, message: 'missing' };
    }
    case 'type':
      return { path, message: `must be ${String(e.params['type']).split(',').join(' or ')}, got ${kind(valueAt(value, e.instancePath))}` };
    case 'enum':
      return { path, message: `must be one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(e.params['allowedValue'])}` };
    case 'anyOf':
      return { path, message: `has none of the allowed types (got ${kind(valueAt(value, e.instancePath))})` };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

/**
 * A schema compiled once, on first use, for records read back from disk or a topic. Compiling is
 * the costliest part of start-up (tens of ms per schema), and most commands never read most
 * kinds of record (issue 16).
 */
export class RecordValidator<S extends TSchema> {
  private compiled: ValidateFunction<Static<S>> | undefined;

  constructor(private readonly schema: S) {}

  private get validate(): ValidateFunction<Static<S>> {
    this.compiled ??= compileRecordSchema<Static<S>>(this.schema);
    return this.compiled;
  }

  /** The first problem of `value`, or undefined when it matches (then it is a `Static<S>`). */
  check(value: unknown): RecordProblem | undefined {
    return this.validate(value) ? undefined : describe(this.validate.errors?.[0], value);
  }

  is(value: unknown): value is Static<S> {
    return this.validate(value);
  }
}

/** `/a/b` of `c`: `/c/a/b`, for a record nested in a larger document. */
export function within(prefix: string, p: RecordProblem): RecordProblem {
  return { path: p.path === '/' ? prefix : `${prefix}${p.path}`, message: p.message };
}

/**
 * True when A and B are the same type, readonly and optional modifiers included: a schema and
 * the interface it checks must not drift apart (mutual assignability would miss an optional
 * field present on one side only).
 */
export type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** One of a few strings, typed as their union. */
export const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(Type.String({ enum: [...values] }));

/** `readonly T[]`: TypeBox's Readonly marks a property, not the array it holds. */
export const readonlyArray = <T extends TSchema>(items: T) => Type.Unsafe<readonly Static<T>[]>(Type.Array(items));

/**
 * `number | null` as one type check: a union compiles to anyOf, which builds an error object for
 * every null before trying the next branch (the week's never-observed hours are nulls).
 */
export const NumberOrNull = Type.Unsafe<number | null>({ type: ['number', 'null'] });
