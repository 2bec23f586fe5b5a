import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { agentwatchVersion } from '../src/version.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the version', () => {
  it("is package.json's, for the CLI as for state files and user agents", async () => {
    expect(packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(agentwatchVersion()).toBe(packageVersion);
    expect((await buildProgram()).version()).toBe(packageVersion);
  });
});
