import type { ValidateFunction } from 'ajv';

/** The two ways schemas are compiled: records read back (first error, no defaults) and documents a user writes (every error, defaults filled). */
export const ValidatorKind = { Record: 'record', Config: 'config' } as const;
export type ValidatorKind = (typeof ValidatorKind)[keyof typeof ValidatorKind];

export type PrecompiledLookup = (kind: ValidatorKind, schema: object) => ValidateFunction | undefined;

let lookup: PrecompiledLookup | undefined;

/**
 * Installed by the CLI at start: validators generated at build time (ajv standalone code in
 * dist/validators) replace compiling the schemas at run time, the largest part of start-up
 * (issue 16). The core only asks; where the code comes from is the edge's business.
 */
export function usePrecompiledValidators(l: PrecompiledLookup | undefined): void {
  lookup = l;
}

/** The build-time validator for exactly this schema, or undefined (then the caller compiles it). */
export function precompiledValidator<T>(kind: ValidatorKind, schema: object): ValidateFunction<T> | undefined {
  return lookup?.(kind, schema) as ValidateFunction<T> | undefined;
}
