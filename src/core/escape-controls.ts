/**
 * Text from events (agent ids, resources, Kubernetes stages…) is written by whoever can write an
 * audit log. On a terminal, C0 and C1 controls start escape sequences (OSC sets the window title
 * or a hyperlink, CSI moves the cursor and can overwrite a line), a CR or LF forges a line of our
 * own output, and bidi overrides make text read differently from what it is (Trojan Source). All
 * of them are shown as visible escapes instead; everything else, other scripts and emoji
 * included, passes unchanged.
 */
// C0 (incl. TAB, CR, LF), DEL, C1; ALM, LRM/RLM, LRE..RLO, LRI..PDI; line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line's worth of untrusted text, safe to print: every control and bidi mark escaped. */
export function escapeControls(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/**
 * The entries of a count table (reasons, formats) for a person to read: at most `max` of them
 * (the largest, when there are more), with how many more were left out, each name escaped. Names can come from
 * events (a Kubernetes stage), so neither their number nor their content is ours to trust.
 */
export function topCounts(counts: Record<string, number>, max = 20): { entries: [string, number][]; more: number; moreCount: number } {
  let all = Object.entries(counts);
  // A short table keeps its order (first seen first); a long one shows its largest entries.
  if (all.length > max) all = all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const rest = all.slice(max);
  return {
    entries: all.slice(0, max).map(([name, n]) => [escapeControls(name), n]),
    more: rest.length,
    moreCount: rest.reduce((a, [, n]) => a + n, 0),
  };
}
