// The README and docs/ as a user meets them: links that lead somewhere, commands that exist with
// the options shown, no paths outside the repository, a README short enough to be read.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { ROOT } from '../helpers/cli.js';

const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(page: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text(page).split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#+ (.*)$/.exec(line);
    if (m) out.add(m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }
  return out;
}

/** Lines of sh code blocks, continuation lines joined. */
function shellLines(page: string): string[] {
  const out: string[] = [];
  let inSh = false;
  let pending = '';
  for (const line of text(page).split('\n')) {
    if (line.startsWith('```')) {
      inSh = !inSh && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (!inSh) continue;
    pending += line.replace(/\\$/, ' ');
    if (!line.endsWith('\\')) {
      out.push(pending);
      pending = '';
    }
  }
  return out;
}

describe('README.md', () => {
  it('is about 10 KB, starts with the two commands and has the live quick start', () => {
    const readme = text('README.md');
    expect(readme.length).toBeGreaterThan(6_000);
    expect(readme.length).toBeLessThan(12_000);
    for (const command of ['npm ci && npm start', 'npm test', 'scripts/kafka/kafka.sh start', 'npx agentwatch run', 'npx agentwatch produce', 'npx agentwatch tail']) {
      expect(readme, command).toContain(command);
    }
    // Every page of docs/ is on the map.
    for (const page of pages.filter((p) => p.startsWith('docs/'))) expect(readme, page).toContain(`](${page})`);
  });
});

describe.each(pages)('%s', (page) => {
  // Broken links and unknown commands are collected, so that a page with none of them still
  // makes its one assertion.
  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const [, target] of text(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(target!)) continue;
      const [file, anchor] = target!.split('#');
      const path = file ? normalize(join(dirname(page), file)) : page;
      // RELIABILITY.md is written alongside (issue 17); everything else must be here.
      if (path === 'RELIABILITY.md') continue;
      if (!existsSync(join(ROOT, path))) broken.push(`${page} → ${target} (no such file)`);
      else if (anchor && path.endsWith('.md') && !anchors(path).has(anchor)) broken.push(`${page} → ${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it('names nothing outside the repository and no DESIGN.md', () => {
    expect(text(page)).not.toMatch(/\.\.\/shared|\/work\/|(?<!\w)DESIGN\.md/);
  });

  it('shows agentwatch commands as `npx agentwatch <command>`, each command and option known', async () => {
    const program = await buildProgram();
    const wrong: string[] = [];
    let checked = 0;
    for (const line of shellLines(page)) {
      for (const m of line.matchAll(/(?:^|[\s;&|(])(npx )?agentwatch ([a-z][\w-]*)((?: +[^|;&#]*)?)/g)) {
        if (m[1] !== 'npx ') wrong.push(`${line.trim()} (from a checkout, agentwatch is run with npx)`);
        const name = m[2]!;
        if (name === 'help') continue;
        const command = program.commands.find((c) => c.name() === name);
        if (!command) {
          wrong.push(`unknown command in ${line.trim()}`);
          continue;
        }
        const known = new Set([...command.options.flatMap((o) => [o.long, o.short]), '--help', '-h']);
        for (const [option] of m[3]!.matchAll(/(?<=\s)--?[a-z][\w-]*/g)) if (!known.has(option)) wrong.push(`${name} ${option}`);
        checked++;
      }
    }
    expect(wrong, page).toEqual([]);
    if (page === 'README.md') expect(checked).toBeGreaterThanOrEqual(6);
  });
});
