/**
 * Globs over resource ids, permissions and agent ids. `*` matches any run of characters,
 * including `/` and `:` — ARNs and URIs are not file paths, and IAM policies use the same
 * semantics — and `?` matches one character. That is why this is not picomatch.
 */
export function globToRegExpSource(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

export function compileGlob(pattern: string, caseInsensitive = false): RegExp {
  return new RegExp(`^(?:${globToRegExpSource(pattern)})$`, caseInsensitive ? 'i' : '');
}

/**
 * Compiles many patterns into one alternation so a miss — the common case on the hot path —
 * costs one regex test rather than one per pattern.
 */
export class GlobSet<T> {
  private readonly any: RegExp | undefined;
  private readonly each: { pattern: string; re: RegExp; value: T }[];

  constructor(entries: readonly { pattern: string; value: T }[], caseInsensitive = false) {
    this.each = entries.map((e) => ({ pattern: e.pattern, re: compileGlob(e.pattern, caseInsensitive), value: e.value }));
    this.any = entries.length
      ? new RegExp(`^(?:${entries.map((e) => globToRegExpSource(e.pattern)).join('|')})$`, caseInsensitive ? 'i' : '')
      : undefined;
  }

  get size(): number {
    return this.each.length;
  }

  /** The patterns, in declaration order (for explanations). */
  get patterns(): string[] {
    return this.each.map((e) => e.pattern);
  }

  /** The value of the first pattern that matches, in declaration order. */
  match(text: string): T | undefined {
    if (!this.any || !this.any.test(text)) return undefined;
    for (const e of this.each) if (e.re.test(text)) return e.value;
    return undefined;
  }
}
