/** Text for a person at a terminal: lines that fit, long ids shortened where the full one is on file. */

/** Lines of human output never go past this, even on a wide terminal: a line is read, not scrolled. */
export const MAX_COLUMNS = 120;

/** Columns to fit: the terminal's when it is narrower than MAX_COLUMNS, else MAX_COLUMNS (files and pipes too). */
export function outputColumns(stream: NodeJS.WritableStream = process.stdout): number {
  const columns = (stream as NodeJS.WriteStream).isTTY ? (stream as NodeJS.WriteStream).columns : undefined;
  return columns && columns >= 40 ? Math.min(columns, MAX_COLUMNS) : MAX_COLUMNS;
}

/** One line, cut with an ellipsis when too long: the whole text is in the alerts file. */
export function fitLine(line: string, columns: number): string {
  const chars = [...line];
  return chars.length <= columns
    ? line
    : `${chars
        .slice(0, columns - 1)
        .join('')
        .trimEnd()}…`;
}

/** Word-wraps each line of `text`; continuation lines are indented by `indent` spaces. */
export function wrapText(text: string, columns: number, indent = 2): string {
  return text
    .split('\n')
    .map((line) => {
      if ([...line].length <= columns) return line;
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        const candidate = current === '' ? word : `${current} ${word}`;
        if ([...candidate].length > columns && current.trim() !== '') {
          out.push(current);
          current = `${' '.repeat(indent)}${word}`;
        } else {
          current = candidate;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/**
 * AWS ARNs without their `arn:aws:<service>:<region>:<account>:` prefix (`role/etl-loader`,
 * `secret:prod/db/x`): on a terminal the name is what a reader scans for, and the account
 * number alone eats a fifth of the line.
 */
export function shortenArns(text: string): string {
  return text.replace(/\barn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{12}:/g, '');
}
