import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json (one level above src/ and dist/ alike), read once. */
export function agentwatchVersion(): string {
  if (cached === undefined) {
    try {
      cached = String((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
