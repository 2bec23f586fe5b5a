import { readFileSync } from 'node:fs';

let cached: string | undefined;

// package.json is one level above src/ and dist/<folder>/, two above the bundle's dist/bundle/ (issue 16, item 2).
const CANDIDATES = ['../package.json', '../../package.json'];

/** The version in agentwatch's package.json, read once. */
export function agentwatchVersion(): string {
  if (cached === undefined) {
    cached = 'unknown';
    for (const candidate of CANDIDATES) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name !== 'agentwatch') continue;
        cached = String(pkg.version ?? 'unknown');
        break;
      } catch {
        // Not there from this layout: the next candidate.
      }
    }
  }
  return cached;
}
