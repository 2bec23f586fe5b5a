import { describe, expect, it } from 'vitest';
import { escapeControls, topCounts } from '../../src/core/escape-controls.js';

describe('escapeControls', () => {
  it('shows C0, DEL, C1, bidi marks and line separators as visible escapes', () => {
    expect(escapeControls('a\u001b]0;t\u0007b')).toBe('a\\x1b]0;t\\x07b');
    expect(escapeControls('\r\n\t\u0000\u007f\u0085\u009b')).toBe('\\x0d\\x0a\\x09\\x00\\x7f\\x85\\x9b');
    expect(escapeControls('\u202e\u2066\u2069\u200e\u200f\u061c\u2028\u2029')).toBe('\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029');
  });

  it('leaves every other character alone, other scripts and emoji included', () => {
    for (const s of ['arn:aws:iam::1:role/x', 'café 東京 Ελλάδα 😀', '\\x1b', '']) expect(escapeControls(s)).toBe(s);
  });

  it('is stable across calls (a global regex keeps no state between them)', () => {
    expect(escapeControls('\u0007')).toBe('\\x07');
    expect(escapeControls('\u0007')).toBe('\\x07');
  });
});

describe('topCounts', () => {
  it('keeps a short table in its order, escaped', () => {
    expect(topCounts({ b: 1, 'stage\u001b[2J': 5 })).toEqual({
      entries: [
        ['b', 1],
        ['stage\\x1b[2J', 5],
      ],
      more: 0,
      moreCount: 0,
    });
  });

  it('bounds a long one to its largest entries and counts the rest', () => {
    const counts = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`r${i}`, i]));
    const top = topCounts(counts, 20);
    expect(top.entries).toHaveLength(20);
    expect(top.entries[0]).toEqual(['r999', 999]);
    expect(top.more).toBe(980);
    expect(top.moreCount).toBe((979 * 980) / 2);
  });
});
