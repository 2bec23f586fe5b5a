import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load-config.js';
import { mayBeSecret, parseYamlWithLines } from '../../src/config/schema-validator.js';

const dir = mkdtempSync(join(tmpdir(), 'aw-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const failure = (path: string): InvalidConfigError => {
  try {
    loadConfig(path, {});
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    return err as InvalidConfigError;
  }
  throw new Error('expected a config error');
};

describe('config errors never echo a secret (issue 13)', () => {
  it('a malformed webhook URL or signing secret is described, not shown', () => {
    const path = file(
      'secrets.yaml',
      [
        'alerts:',
        '  sinks:',
        '    - name: hook',
        '      type: webhook',
        '      url: "ftp://hooks.slack.com/services/T000/B000/XXXXSECRET"',
        '      secrets: ["abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"]',
      ].join('\n'),
    );
    const { message, code } = failure(path);
    expect(code).toBe('AW_INVALID_CONFIG');
    expect(message).toContain(`${path}:5 at /alerts/sinks/0/url: the value (51 characters, not shown: it may be a secret)`);
    expect(message).toContain(`${path}:6 at /alerts/sinks/0/secrets/0: the value (42 characters, not shown`);
    expect(message).not.toMatch(/XXXXSECRET|abcdefghij/);
  });

  it('a secret pasted as a key is not echoed as an unknown key', () => {
    const { message } = failure(file('key.yaml', 'engine:\n  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw: 1\n'));
    expect(message).toMatch(/unknown key \(38 characters, not shown: it may be a secret\)/);
    expect(message).not.toContain('MfKQ9r8');
  });

  it('a YAML syntax error names file, line and column, without quoting the line', () => {
    const path = file('syntax.yaml', 'kafka:\n  sasl:\n    mechanism: plain\n    username: u\n    password: "hunter2-secret\n  brokers: [x]\n');
    const { message } = failure(path);
    expect(message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid YAML/JSON:\\n  ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line \\d+, column \\d+: `,
      ),
    );
    expect(message).not.toContain('hunter2');
  });

  it('a YAML alias bomb is a config error at its first alias, after at most 100 expansions', () => {
    // Expanded, these 9 lines are 9^9 (387 million) strings for the schema check to walk: the
    // refusal, once the alias count passes the cap, is what bounds the work. Its cost against a
    // config without aliases is measured by `npm run bench` (bench/hostile-input.ts).
    const levels = 'abcdefghi'.split('');
    const text = levels
      .map((l, i) =>
        i === 0
          ? `${l}: &${l} [${Array(9).fill('"lol"').join(',')}]`
          : `${l}: &${l} [${Array(9)
              .fill(`*${levels[i - 1]}`)
              .join(',')}]`,
      )
      .join('\n');
    const { message } = failure(file('bomb.yaml', text));
    expect(message).toMatch(/bomb\.yaml: line 2, column \d+: more than 100 alias expansions \(a YAML alias bomb\?\)/);
    expect(parseYamlWithLines(text).errors).toEqual([expect.stringMatching(/^line 2, column \d+: more than 100 alias expansions/)]);
  });

  it('a few aliases are still fine', () => {
    const parsed = parseYamlWithLines('base: &b { a: 1 }\nx: *b\ny: *b\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.value).toEqual({ base: { a: 1 }, x: { a: 1 }, y: { a: 1 } });
  });

  it('values that are harmless are still shown', () => {
    expect(mayBeSecret('/alerts/sinks/1/name', 'Bad Name')).toBe(false);
    expect(mayBeSecret('/kafka/sasl/password', 'x')).toBe(true);
    expect(mayBeSecret('/alerts/sinks/0/headers/X-Token', 'x')).toBe(true);
    expect(mayBeSecret('/agents/0/activeHours/0', 'https://evil/x')).toBe(true);
  });
});
