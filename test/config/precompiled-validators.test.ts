import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Type } from '@sinclair/typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { PRECOMPILED_SCHEMAS } from '../../src/config/precompiled-schemas.js';
import { precompiledValidatorFiles, validatorKey } from '../../src/config/precompiled-validator-files.js';
import { CONFIG_AJV_OPTIONS } from '../../src/config/schema-validator.js';
import { validatorSource } from '../../src/config/validator-source.js';
import { AuditEventSchema } from '../../src/core/events/audit-event-schema.js';
import { ValidatorKind } from '../../src/core/precompiled-validators.js';
import { RECORD_AJV_OPTIONS } from '../../src/core/record-validator.js';

// Inside the repository, so that the generated code resolves its ajv runtime helpers as dist/ does.
mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/aw-validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = createRequire(import.meta.url);

function generated(kind: ValidatorKind, schema: object, name: string): ValidateFunction {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, validatorSource(kind, schema as never));
  return load(file) as ValidateFunction;
}

const errorsOf = (v: ValidateFunction) => (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);

describe('validators generated at build time (issue 16: start-up without compiling schemas)', () => {
  it('fill the same defaults and report the same problems as the run-time compile, for the configuration', () => {
    const built = generated(ValidatorKind.Config, ConfigSchema, 'config');
    const runtime = new Ajv({ ...CONFIG_AJV_OPTIONS }).compile(ConfigSchema);
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    expect(built(a)).toBe(true);
    expect(runtime(b)).toBe(true);
    expect(a).toEqual(b);
    expect(Object.keys(a)).toContain('engine');
    const bad = () => ({ engine: { bucketMs: 'soon', nope: 1 }, kafka: { brokers: 7 } });
    expect(built(bad())).toBe(false);
    expect(runtime(bad())).toBe(false);
    expect(errorsOf(built)).toEqual(errorsOf(runtime));
    expect(errorsOf(built).length).toBeGreaterThan(1);
  });

  it('accept and reject the same events as the run-time compile', () => {
    const built = generated(ValidatorKind.Record, AuditEventSchema, 'event');
    const runtime = new Ajv({ ...RECORD_AJV_OPTIONS }).compile(AuditEventSchema);
    const good = {
      id: 'e1',
      time: '2026-03-02T00:00:24.628Z',
      agentId: 'a',
      category: 'resource_access',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      outcome: 'success',
    };
    const cases = [good, { ...good, category: 'nope' }, { ...good, agentId: 5 }, { ...good, outcome: 'maybe' }, {}];
    for (const c of cases) {
      expect(built(c), JSON.stringify(c)).toBe(runtime(c));
      expect(errorsOf(built)).toEqual(errorsOf(runtime));
    }
    expect(cases.filter((c) => built(c))).toHaveLength(1);
  });

  it('are keyed by the schema they came from: a changed schema finds no file and is compiled at run time', () => {
    const one = Type.Object({ a: Type.String() });
    const two = Type.Object({ a: Type.Number() });
    expect(validatorKey(ValidatorKind.Record, one)).not.toBe(validatorKey(ValidatorKind.Record, two));
    expect(validatorKey(ValidatorKind.Record, one)).not.toBe(validatorKey(ValidatorKind.Config, one));
    // From src there is no dist/validators folder: every lookup misses, and callers compile.
    expect(precompiledValidatorFiles(ValidatorKind.Record, two)).toBeUndefined();
    expect(PRECOMPILED_SCHEMAS.map((p) => p.schema)).toContain(ConfigSchema);
  });
});
