/**
 * `table[key]` for a key that comes from input. A plain lookup also finds Object.prototype's
 * members: a record whose category is `constructor` or `toString` got a function back (truthy,
 * and callable), and `__proto__` the prototype itself. Only the table's own entries count.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
