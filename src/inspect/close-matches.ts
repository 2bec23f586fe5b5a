/** Edit distance (insertions, deletions, substitutions), two rows at a time. */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

const tokens = (s: string) => s.split(/[^a-z0-9]+/).filter((t) => t.length >= 3);

/**
 * The candidates a mistyped name most likely meant: those containing it (or contained in it),
 * then those within a few edits, then those sharing most of its words (`fraud-scorer` finds
 * `arn:aws:iam::1:role/fraud-scorer-eu`), best first. Case is ignored.
 */
export function closeMatches(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const wanted = name.toLowerCase();
  const words = tokens(wanted);
  const scored: { c: string; score: number }[] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (wanted.length > 0 && (lc.includes(wanted) || wanted.includes(lc))) {
      scored.push({ c, score: Math.abs(lc.length - wanted.length) / 1000 });
      continue;
    }
    const d = levenshtein(wanted, lc);
    if (d <= Math.max(2, Math.floor(wanted.length / 3))) {
      scored.push({ c, score: d });
      continue;
    }
    const shared = words.filter((w) => lc.includes(w)).length;
    if (words.length > 0 && shared / words.length >= 0.5) scored.push({ c, score: 100 + (1 - shared / words.length) * 10 + d / 1000 });
  }
  return scored
    .sort((x, y) => x.score - y.score || (x.c < y.c ? -1 : 1))
    .slice(0, limit)
    .map((s) => s.c);
}
