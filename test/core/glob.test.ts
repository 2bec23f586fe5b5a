import { describe, expect, it } from 'vitest';
import { GlobSet, compileGlob } from '../../src/core/glob.js';

/** The definition, by dynamic programming over UTF-16 units: slow, obviously right. */
function reference(pattern: string, text: string): boolean {
  const p = [...pattern].flatMap((ch) => (ch.length === 1 ? [ch] : ch.split('')));
  let row = new Array<boolean>(text.length + 1).fill(false);
  row[0] = true;
  for (const pc of p) {
    const next = new Array<boolean>(text.length + 1).fill(false);
    if (pc === '*') {
      next[0] = row[0] as boolean;
      for (let j = 1; j <= text.length; j++) next[j] = (row[j] as boolean) || (next[j - 1] as boolean);
    } else {
      for (let j = 1; j <= text.length; j++) next[j] = (row[j - 1] as boolean) && (pc === '?' || pc === text[j - 1]);
    }
    row = next;
  }
  return row[text.length] as boolean;
}

/** A seeded generator, so a failure replays. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('compileGlob', () => {
  it('keeps the glob semantics of ARNs and URIs: * crosses / and :, ? is one character', () => {
    expect(compileGlob('arn:aws:s3:::prod-*').test('arn:aws:s3:::prod-bucket/key/with:colons')).toBe(true);
    expect(compileGlob('arn:aws:s3:::prod-*').test('arn:aws:s3:::staging-bucket')).toBe(false);
    expect(compileGlob('db-?').test('db-1')).toBe(true);
    expect(compileGlob('db-?').test('db-12')).toBe(false);
    expect(compileGlob('*secret*').test('vault/secret/x')).toBe(true);
    expect(compileGlob('exact').test('exact')).toBe(true);
    expect(compileGlob('exact').test('exactly')).toBe(false);
    expect(compileGlob('').test('')).toBe(true);
    expect(compileGlob('*').test('')).toBe(true);
  });

  it('takes regex metacharacters in patterns literally', () => {
    expect(compileGlob('a.b(c)[d]{1}+$^|\\').test('a.b(c)[d]{1}+$^|\\')).toBe(true);
    expect(compileGlob('a.b').test('axb')).toBe(false);
    // A digit after a star segment must not turn the segment's backreference into \10.
    expect(compileGlob('*x*0*').test('ax0')).toBe(true);
    expect(compileGlob('*a*b*c*d*e*f*g*h*i*j*0').test('abcdefghij0')).toBe(true);
  });

  it('matches CR, LF and other line terminators with * and ?', () => {
    expect(compileGlob('vault/*').test('vault/a\nb')).toBe(true);
    expect(compileGlob('vault/*').test('vault/\r\n')).toBe(true);
    expect(compileGlob('*secret*').test('x\nsecret\u2028y')).toBe(true);
    expect(compileGlob('a?b').test('a\nb')).toBe(true);
  });

  it('is case-insensitive on request only', () => {
    expect(compileGlob('Admin*').test('admin-role')).toBe(false);
    expect(compileGlob('Admin*', true).test('ADMIN-role')).toBe(true);
  });

  it('agrees with the reference matcher on random patterns and texts', () => {
    const rand = lcg(13);
    const alphabet = ['a', 'b', '\n', '.', '0', '1'];
    const pick = (chars: string[]) => chars[Math.floor(rand() * chars.length)] as string;
    for (let n = 0; n < 3000; n++) {
      const pattern = Array.from({ length: Math.floor(rand() * 7) }, () => pick([...alphabet, '*', '*', '?'])).join('');
      const text = Array.from({ length: Math.floor(rand() * 10) }, () => pick(alphabet)).join('');
      expect(compileGlob(pattern).test(text), `${JSON.stringify(pattern)} vs ${JSON.stringify(text)}`).toBe(reference(pattern, text));
    }
  });
});

describe('worst cases stay linear', () => {
  const hostile = `${'*a'.repeat(9)}*b`;

  it(`${hostile} against 2,000 a's takes milliseconds, not seconds`, () => {
    const text = 'a'.repeat(2000);
    const re = compileGlob(hostile);
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(re.test(text)).toBe(false);
    // Measured ~0.05 ms a test; the old translation took seconds for one.
    expect((performance.now() - started) / 100).toBeLessThan(20);
  });

  it('a GlobSet of hostile patterns against a 2,048-character resource stays fast', () => {
    const set = new GlobSet(
      Array.from({ length: 20 }, (_, i) => ({ pattern: `${'*a'.repeat(8 + (i % 4))}*b${i}`, value: i })),
    );
    const text = 'a'.repeat(2048);
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect(set.match(text)).toBeUndefined();
    expect((performance.now() - started) / 20).toBeLessThan(50);
    expect(set.match(`${text}b7`)).toBe(7);
  });

  it('grows linearly with the text', () => {
    const re = compileGlob(hostile);
    const time = (n: number) => {
      const text = 'a'.repeat(n);
      const started = performance.now();
      for (let i = 0; i < 20; i++) re.test(text);
      return performance.now() - started;
    };
    time(1000);
    const small = time(20_000);
    const large = time(200_000);
    // Ten times the text, about ten times the time (quadratic would be a hundred).
    expect(large / Math.max(small, 0.01)).toBeLessThan(40);
  });
});

describe('GlobSet', () => {
  it('returns the first matching pattern in declaration order', () => {
    const set = new GlobSet([
      { pattern: 'vault/*/admin', value: 'admin' },
      { pattern: 'vault/*', value: 'vault' },
      { pattern: '*x*y*', value: 'xy' },
    ]);
    expect(set.match('vault/a/admin')).toBe('admin');
    expect(set.match('vault/a')).toBe('vault');
    expect(set.match('vault\n/a')).toBeUndefined();
    expect(set.match('1x2y3')).toBe('xy');
    expect(set.match('nothing')).toBeUndefined();
    expect(set.patterns).toEqual(['vault/*/admin', 'vault/*', '*x*y*']);
  });

  it('numbers the capture groups of each alternative on its own', () => {
    const set = new GlobSet([
      { pattern: '*a*b*', value: 1 },
      { pattern: '*c*d*', value: 2 },
    ]);
    expect(set.match('xxcyyd')).toBe(2);
    expect(set.match('ab')).toBe(1);
    expect(set.match('ba')).toBeUndefined();
  });

  it('is empty without patterns', () => {
    expect(new GlobSet([]).match('x')).toBeUndefined();
  });
});
