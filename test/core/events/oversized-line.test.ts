import { describe, expect, it } from 'vitest';
import { overByteLimit, oversizedLine, oversizedLineBytes, utf8Length } from '../../../src/core/events/oversized-line.js';

describe('utf8Length', () => {
  it('agrees with Buffer.byteLength, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀é€\u0000', '\ud800x', 'x\udc00', '\ud800\ud800\udc00', '\u202e\u0085']) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s));
    }
  });
});

describe('overByteLimit', () => {
  it('decides by length when it can and counts bytes otherwise', () => {
    expect(overByteLimit('a'.repeat(11), 10)).toBe(true);
    expect(overByteLimit('a'.repeat(3), 10)).toBe(false);
    expect(overByteLimit('é'.repeat(6), 10)).toBe(true);
    expect(overByteLimit('é'.repeat(5), 10)).toBe(false);
  });
});

describe('oversizedLine', () => {
  it('round-trips a size and is recognised only in its exact form', () => {
    expect(oversizedLineBytes(oversizedLine(209_715_200))).toBe(209_715_200);
    expect(oversizedLine(12)).toBe('\n(line of 12 bytes, skipped unread)');
    expect(oversizedLineBytes('\n12')).toBeUndefined();
    expect(oversizedLineBytes('\n(line of 12a bytes, skipped unread)')).toBeUndefined();
    expect(oversizedLineBytes('\n')).toBeUndefined();
    expect(oversizedLineBytes('12')).toBeUndefined();
  });
});
