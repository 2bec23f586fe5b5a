import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import type { TSchema } from '@sinclair/typebox';
import { RECORD_AJV_OPTIONS } from '../core/record-validator.js';
import { ValidatorKind } from '../core/precompiled-validators.js';
import { CONFIG_AJV_OPTIONS } from './schema-validator.js';

/** The CommonJS source of a schema's validator, compiled with exactly the options the run-time compile uses (ajv standalone code). */
export function validatorSource(kind: ValidatorKind, schema: TSchema): string {
  const options = kind === ValidatorKind.Config ? CONFIG_AJV_OPTIONS : RECORD_AJV_OPTIONS;
  const ajv = new Ajv({ ...options, code: { source: true } });
  // CommonJS seen from ESM: the module is the function, which also carries itself as `default`.
  return standalone.default(ajv, ajv.compile(schema));
}
