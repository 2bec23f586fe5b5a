import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Speed and memory live in benchmarks (`npm run bench`), as ratios against a baseline measured in
// the same run, never as timing assertions in tests: on a loaded machine a wall-clock budget
// fails at random, and a flaky test is a bug. A test that reads a high-resolution clock, or
// subtracts one wall-clock reading from another, is nearly always about to compare a duration,
// so that is refused here unless the file is listed below with the reason it needs the clock.
const TEST_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Test files (relative to test/) allowed a clock, and why: none of them compares a duration. */
const ALLOWED: Record<string, string> = {
  'integration/observability.test.ts': 'orders log lines against /readyz answers (which came first), no duration is compared',
};

/**
 * What is refused: the high-resolution clocks, and a difference of wall-clock readings (a
 * duration). Deadlines in polling loops (`Date.now() < until`) and event timestamps are fine.
 */
const CLOCKS: { name: string; re: RegExp }[] = [
  { name: 'performance.now()', re: /\bperformance\.now\(/ },
  { name: 'process.hrtime', re: /\bprocess\.hrtime\b/ },
  { name: 'a difference of Date.now() readings', re: /\bDate\.now\(\)\s*-\s*[\w(]/ },
];

/** This file names the clocks it looks for. */
const SELF = 'setup/no-timing-assertions.test.ts';

const testFiles = (readdirSync(TEST_DIR, { recursive: true }) as string[])
  .map((f) => f.split('\\').join('/'))
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules/'))
  .sort();

const clocksIn = (file: string): string[] => {
  const text = readFileSync(join(TEST_DIR, file), 'utf8');
  return CLOCKS.filter((clock) => clock.re.test(text)).map((clock) => clock.name);
};

describe('no timing assertions in tests', () => {
  it('finds the test files', () => {
    expect(testFiles).toContain(SELF);
    expect(testFiles.length).toBeGreaterThan(50);
  });

  it('no test file reads a clock to time something unless listed with its reason', () => {
    const offenders = testFiles
      .filter((f) => f !== SELF && !(f in ALLOWED))
      .map((f) => ({ file: `test/${f}`, clocks: clocksIn(f) }))
      .filter((o) => o.clocks.length > 0)
      .map(
        (o) => `${o.file} uses ${o.clocks.join(', ')}: assert on behaviour (counts, bounds, results) and measure speed in bench/ as a ratio (BENCHMARKS.md)`,
      );
    expect(offenders).toEqual([]);
  });

  it('lists only files that still read a clock, each with a reason', () => {
    for (const [file, reason] of Object.entries(ALLOWED)) {
      expect(testFiles, file).toContain(file);
      expect(clocksIn(file), `test/${file} no longer reads a clock: take it off the list`).not.toEqual([]);
      expect(reason.length, file).toBeGreaterThan(20);
    }
  });
});
