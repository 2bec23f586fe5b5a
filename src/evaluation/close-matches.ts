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

/**
 * The candidates a mistyped name most likely meant: those containing it (or contained in it),
 * then those within a few edits, closest first. Case is ignored.
 */
export function closeMatches(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const wanted = name.toLowerCase();
  const scored: { c: string; score: number }[] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (wanted.length > 0 && (lc.includes(wanted) || wanted.includes(lc))) {
      scored.push({ c, score: Math.abs(lc.length - wanted.length) / 1000 });
      continue;
    }
    const d = levenshtein(wanted, lc);
    if (d <= Math.max(2, Math.floor(wanted.length / 3))) scored.push({ c, score: d });
  }
  return scored.sort((x, y) => x.score - y.score || (x.c < y.c ? -1 : 1)).slice(0, limit).map((s) => s.c);
}
