import { describe, expect, it } from 'vitest';
import { own } from '../../src/core/own-property.js';

describe('own', () => {
  const table: Record<string, number> = { a: 1, zero: 0 };

  it('finds the table’s own entries, falsy ones included', () => {
    expect(own(table, 'a')).toBe(1);
    expect(own(table, 'zero')).toBe(0);
  });

  it('never finds what Object.prototype has', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) expect(own(table, key)).toBeUndefined();
  });
});
