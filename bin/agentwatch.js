#!/usr/bin/env node
// Thin launcher: the CLI is built and bundled to dist/bundle by `npm ci` (prepare) or `npm run build`
// (one file per command: a start loads a handful of files, not ~400 modules; issue 16, item 2).
// A dist/ built before the bundler existed still runs, unbundled.
import { existsSync } from 'node:fs';

const entry = ['../dist/bundle/agentwatch.js', '../dist/cli/agentwatch.js'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
if (entry === undefined) {
  process.stderr.write('agentwatch: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
await import(entry.href);
