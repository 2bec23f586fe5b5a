import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aw-baselines-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('declared baselines loader', () => {
  it('merges every *.yaml in name order', () => {
    const dir = dirWith({
      'a.yaml': 'sensitive:\n  - pattern: "arn:aws:secretsmanager:*"\n    label: secrets\n',
      'b.yml': 'agents:\n  - match: { agentClass: invoice-summarizer }\n    timezone: Europe/London\n    activeHours: ["Mon-Fri 07:00-19:00"]\n',
      'notes.txt': 'ignored',
    });
    const { baselines, files } = loadBaselinesDir(dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['a.yaml', 'b.yml']);
    expect(baselines.sensitiveResources.match('arn:aws:secretsmanager:eu-west-1:1:secret:a/b')).toEqual({
      pattern: 'arn:aws:secretsmanager:*',
      label: 'secrets',
    });
    expect(baselines.forAgent('x', 'invoice-summarizer')?.timezone).toBe('Europe/London');
    expect(baselines.forAgent('x', 'other')).toBeUndefined();
  });

  it('names the file, line, path and what is expected', () => {
    const dir = dirWith({
      'bad.yaml':
        'sensitive:\n  - pattern: "x"\n    lable: typo\nagents:\n  - match: { agentClass: a }\n    timezone: Mars/Olympus\n  - match: { agentClass: b }\n    activeHours: ["weekdays 9-5"]\n',
    });
    let message = '';
    try {
      loadBaselinesDir(dir);
    } catch (err) {
      message = (err as Error).message;
      expect((err as { code: string }).code).toBe('AW_INVALID_BASELINES');
    }
    expect(message).toContain('bad.yaml:3 at /sensitive/0: unknown key "lable"');
    expect(message).toMatch(/bad\.yaml:8 at \/agents\/1\/activeHours\/0: "weekdays 9-5" does not have the expected form \(e\.g\. "Mon-Fri 07:00-19:00"/);
  });

  it('reports an unknown time zone', () => {
    const dir = dirWith({ 'tz.yaml': 'agents:\n  - match: { agentId: "x*" }\n    timezone: Mars/Olympus\n' });
    expect(() => loadBaselinesDir(dir)).toThrow(/at \/agents\/0\/timezone: unknown IANA time zone "Mars\/Olympus"/);
  });
});

describe('config loader', () => {
  it('fills documented defaults', () => {
    const { config } = loadConfig();
    expect(config.engine.bucketMs).toBe(60_000);
    expect(config.engine.learningPeriodMs).toBe(7 * 86_400_000);
    expect(config.engine.rateSpike.minCount).toBeGreaterThan(0);
    expect(config.input.latenessMs).toBe(60_000);
  });

  it('names the path and line of a bad value', () => {
    const dir = dirWith({ 'c.yaml': 'engine:\n  rateSpike:\n    minCount: 0\n  cooldownMinutes: 5\n' });
    expect(() => loadConfig(join(dir, 'c.yaml'))).toThrow(/c\.yaml:3 at \/engine\/rateSpike\/minCount: must be >= 1/);
    expect(() => loadConfig(join(dir, 'c.yaml'))).toThrow(/at \/engine: unknown key "cooldownMinutes"/);
  });
});
