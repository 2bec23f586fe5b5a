import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { oversizedLineBytes } from '../../src/core/events/oversized-line.js';
import { readJsonlFile } from '../../src/sources/jsonl-file-source.js';

const dir = mkdtempSync(join(tmpdir(), 'aw-jsonl-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

async function lines(path: string, maxLineBytes: number, highWaterMark = 64): Promise<{ n: number; line: string }[]> {
  const out: { n: number; line: string }[] = [];
  for await (const batch of readJsonlFile(path, { maxLineBytes, highWaterMark })) batch.lines.forEach((line, i) => out.push({ n: batch.firstLine + i, line }));
  return out;
}
const show = (list: { n: number; line: string }[]) => list.map(({ n, line }) => [n, oversizedLineBytes(line) ?? line]);

describe('readJsonlFile: line length capped while scanning', () => {
  it('replaces a line over the cap by a placeholder with its size in bytes, keeping line numbers', async () => {
    const long = 'x'.repeat(500);
    const path = file('mixed.jsonl', `a\n${long}\nb\n\nc`);
    expect(show(await lines(path, 100))).toEqual([
      [1, 'a'],
      [2, 500],
      [3, 'b'],
      [4, ''],
      [5, 'c'],
    ]);
  });

  it('counts bytes, not characters, of a skipped line (multi-byte text across chunks)', async () => {
    const long = 'é'.repeat(300);
    const path = file('utf8.jsonl', `${long}\nok\n`);
    expect(show(await lines(path, 100, 7))).toEqual([
      [1, 600],
      [2, 'ok'],
    ]);
  });

  it('a line without a line feed at the end of the file, over the cap, still comes out as a placeholder', async () => {
    const path = file('tail.jsonl', `ok\n${'y'.repeat(1000)}`);
    expect(show(await lines(path, 100))).toEqual([
      [1, 'ok'],
      [2, 1000],
    ]);
  });

  it('lines within the cap are intact whatever the chunk boundaries', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `line-${i}-${'z'.repeat(i)}`).join('\n');
    const path = file('chunks.jsonl', `${text}\n`);
    for (const hwm of [1, 3, 16, 1024]) {
      expect((await lines(path, 1000, hwm)).map((l) => l.line)).toEqual(text.split('\n'));
    }
  });

  it('gzip too: a long line is skipped to its line feed', async () => {
    const path = file('long.jsonl.gz', gzipSync(`a\n${'q'.repeat(200_000)}\nb\n`));
    expect(show(await lines(path, 1000, 4096))).toEqual([
      [1, 'a'],
      [2, 200_000],
      [3, 'b'],
    ]);
  });

  it('keeps the old positional highWaterMark argument', async () => {
    const path = file('hwm.jsonl', 'a\nb\n');
    const all: string[] = [];
    for await (const batch of readJsonlFile(path, 1)) all.push(...batch.lines);
    expect(all).toEqual(['a', 'b']);
  });

  it('no real line is ever read as a placeholder', () => {
    expect(oversizedLineBytes('123')).toBeUndefined();
    expect(oversizedLineBytes('\n{"a":1}')).toBeUndefined();
    expect(oversizedLineBytes('')).toBeUndefined();
  });
});

describe('a huge line in time and memory linear in the file, constant in the line', () => {
  it('a 64 MB line without a line feed in a .jsonl.gz, in 16,384 chunks: one placeholder, and no buffer of its size', async () => {
    // No clock: read in 4 KiB chunks, the quadratic reader (each chunk appended to the carried
    // line, the whole split again) takes minutes here (measured: over 50 s for the first 24 MB,
    // ~6 min in all); this one takes under a second, file included, so finishing inside the
    // test's 60 s timeout is the check, with a margin of 60× and more. Its growth with the line,
    // as a ratio, is measured by `npm run bench` (bench/hostile-input.ts).
    const size = 64 << 20;
    const path = file('huge.jsonl.gz', gzipSync(Buffer.alloc(size, 'a'), { level: 1 }));
    const before = process.memoryUsage().rss;
    let peak = before;
    const got: string[] = [];
    let batches = 0;
    for await (const batch of readJsonlFile(path, { maxLineBytes: 65_536, highWaterMark: 4096 })) {
      batches++;
      got.push(...batch.lines);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(got.map((l) => oversizedLineBytes(l))).toEqual([size]);
    // The line is never held: it comes out once, as its size, at the end of the file.
    expect(batches).toBe(1);
    expect(peak - before).toBeLessThan(size);
  }, 60_000);
});
