/**
 * Globs over resource ids, permissions and agent ids. `*` matches any run of characters,
 * including `/` and `:` — ARNs and URIs are not file paths, and IAM policies use the same
 * semantics — and CR/LF, so a resource name with a newline cannot slip past a `*`. `?` matches
 * one character (one UTF-16 unit, as before). That is why this is not picomatch.
 *
 * Patterns come from configuration but the text they test comes from events, which an attacker
 * writes. A naive translation (`*` → `.*`) backtracks: `*a*a*a*a*a*a*a*a*a*b` against 2,000 a's
 * took seconds. The compiled form below cannot blow up: each segment between stars is searched
 * once, leftmost first, inside a lookahead, and ECMAScript never backtracks into a lookahead
 * (the `(?=(…))\1` idiom is an atomic group). Taking the leftmost occurrence of each middle
 * segment is always right for `*` globs — a later one can only leave less room for the rest —
 * so a match costs at most O(text × pattern), whatever the text.
 */

const ANY = '[\\s\\S]';

function literal(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (ch === '?') out += ANY;
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/**
 * The regular-expression source of one glob, without anchors. `firstGroup` numbers its capture
 * groups when several globs share one alternation; `groups` says how many it used.
 */
export function globToRegExpSource(pattern: string, firstGroup = 1): { source: string; groups: number } {
  const parts = pattern.split('*');
  if (parts.length === 1) return { source: literal(pattern), groups: 0 };
  const head = parts[0] as string;
  const tail = parts[parts.length - 1] as string;
  let source = literal(head);
  let group = firstGroup;
  for (const middle of parts.slice(1, -1)) {
    if (middle === '') continue;
    // `(?:\\n)`: a digit right after the backreference would otherwise extend its number.
    source += `(?=(${ANY}*?${literal(middle)}))(?:\\${group})`;
    group++;
  }
  source += `${ANY}*${literal(tail)}`;
  return { source, groups: group - firstGroup };
}

export function compileGlob(pattern: string, caseInsensitive = false): RegExp {
  return new RegExp(`^(?:${globToRegExpSource(pattern).source})$`, caseInsensitive ? 'i' : '');
}

/**
 * Compiles many patterns into one alternation so a miss — the common case on the hot path —
 * costs one regex test rather than one per pattern. Each alternative is anchored and atomic as
 * above, so the alternation costs at most the sum of its patterns.
 */
export class GlobSet<T> {
  private readonly any: RegExp | undefined;
  private readonly each: { pattern: string; re: RegExp; value: T }[];

  constructor(entries: readonly { pattern: string; value: T }[], caseInsensitive = false) {
    this.each = entries.map((e) => ({ pattern: e.pattern, re: compileGlob(e.pattern, caseInsensitive), value: e.value }));
    let group = 1;
    const alternatives = entries.map((e) => {
      const { source, groups } = globToRegExpSource(e.pattern, group);
      group += groups;
      return source;
    });
    this.any = entries.length ? new RegExp(`^(?:${alternatives.join('|')})$`, caseInsensitive ? 'i' : '') : undefined;
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
