// Part of `npm run build` (after tsc): writes dist/validators/<kind>-<digest>.cjs, the ajv
// standalone code of the schemas a command reads before its first event, so that start-up does
// not compile them (issue 16). Plain JavaScript over dist/, so it needs no dev dependency.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { PRECOMPILED_SCHEMAS } = await import('../../dist/config/precompiled-schemas.js');
const { validatorSource } = await import('../../dist/config/validator-source.js');
const { VALIDATORS_DIR, validatorKey } = await import('../../dist/config/precompiled-validator-files.js');

mkdirSync(VALIDATORS_DIR, { recursive: true });
for (const old of readdirSync(VALIDATORS_DIR)) rmSync(join(VALIDATORS_DIR, old));
for (const { kind, schema } of PRECOMPILED_SCHEMAS) {
  writeFileSync(join(VALIDATORS_DIR, `${validatorKey(kind, schema)}.cjs`), validatorSource(kind, schema));
}
