import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { PrecompiledLookup, ValidatorKind } from '../core/precompiled-validators.js';

/**
 * A validator file is named by its kind and a digest of the schema it was generated from, so a
 * schema changed since the build can never be judged by stale code: it finds no file and is
 * compiled at run time instead.
 */
export function validatorKey(kind: ValidatorKind, schema: object): string {
  return `${kind}-${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16)}`;
}

/** Where `npm run build` writes them: dist/validators, beside dist/config (from src, no such folder: every schema compiles at run time). */
export const VALIDATORS_DIR = fileURLToPath(new URL('../validators/', import.meta.url));

const load = createRequire(import.meta.url);

/** The lookup the CLI installs at start (see core/precompiled-validators.ts). */
export const precompiledValidatorFiles: PrecompiledLookup = (kind, schema) => {
  try {
    const mod = load(`${VALIDATORS_DIR}${validatorKey(kind, schema)}.cjs`) as { default?: ValidateFunction } & ValidateFunction;
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
};
