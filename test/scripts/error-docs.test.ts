// Issue 18, item 3: one module lists every failure; docs/errors.md is rendered from it, and
// nothing else is thrown across a module boundary.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ErrorCode } from '../../src/core/errors.js';
import { renderErrorsDoc } from '../../scripts/docs/error-reference.js';
import { ROOT } from '../helpers/cli.js';

const committed = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('docs/errors.md', () => {
  it('is what `npm run docs` renders from src/core/errors.ts: run `npm run docs` after adding a code', () => {
    expect(committed).toBe(renderErrorsDoc(committed));
  });

  it('has one row per code, each saying what it means and what to do', () => {
    const codes = Object.values(ErrorCode);
    expect(Object.keys(ERROR_CATALOG).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const row = committed.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(ERROR_CATALOG[code].meaning.length, code).toBeGreaterThan(10);
    }
  });
});

describe('what src throws', () => {
  const files = sources(join(ROOT, 'src'));
  it('is a class of src/core/errors.ts: no plain Error, TypeError or RangeError, no code given ad hoc', () => {
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(ROOT, file);
      if (/\bthrow new (Error|TypeError|RangeError|SyntaxError)\(/.test(text)) offenders.push(`${rel}: throws a plain error`);
      if (rel !== join('src', 'core', 'errors.ts') && /new AgentwatchError\(/.test(text))
        offenders.push(`${rel}: new AgentwatchError(code, …) instead of the failure's class`);
      if (rel !== join('src', 'core', 'errors.ts') && /class \w+ extends AgentwatchError/.test(text))
        offenders.push(`${rel}: declares an error class outside src/core/errors.ts`);
    }
    expect(offenders).toEqual([]);
  });
});
