#!/usr/bin/env node
// Thin launcher: the CLI is built to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/agentwatch.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('agentwatch: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
await import(entry.href);
