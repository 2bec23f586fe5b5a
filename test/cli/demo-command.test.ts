// `npm start` (agentwatch demo), in-process: one line per incident within 120 columns, plain
// words in the score table, and nothing left in the temporary folder.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

afterEach(() => vi.restoreAllMocks());

async function demo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['node', 'agentwatch', 'demo', ...args]), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

const alertLine = /^\d{4}-\d\d-\d\d \d\d:\d\d {2}(LOW|MEDIUM|HIGH|CRITICAL|RESOLVED) /;

describe('agentwatch demo (npm start)', () => {
  it('prints one line per incident, every line within 120 columns, and a score in plain words', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('agentwatch-demo-')).length;
    const r = await demo();
    expect(r.code, r.stderr).toBe(0);
    const lines = `${r.stdout}${r.stderr}`.split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(120);
    const incidents = lines.filter((l) => alertLine.test(l));
    // The summary's total row counts incidents (opening alerts).
    const total = Number(/^total(?:\s+\d+){4}\s+(\d+)$/m.exec(r.stderr)?.[1]);
    expect(incidents).toHaveLength(total);
    expect(incidents.some((l) => l.includes('RESOLVED') || l.includes('update #'))).toBe(false);
    expect(r.stdout).toMatch(/^detector +anomalies +caught +caught % +alerts +right +other anomaly +false +median delay$/m);
    expect(r.stdout).not.toMatch(/other-label|built so far/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('agentwatch-demo-')).length).toBe(before);
  });

  it("--verbose adds each incident's updates and resolution", async () => {
    const r = await demo('--verbose');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => alertLine.test(l));
    expect(lines.filter((l) => l.includes('RESOLVED')).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('update #')).length).toBeGreaterThan(0);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);
  });
});
