// Part of `npm run build` (after tsc and the validators): bundles the CLI into dist/bundle, one
// file per command (code splitting), so that a start loads a handful of files instead of ~400 ES
// modules (TypeBox's ESM build alone is 247 files): per-module resolution and compilation was
// most of what remained of start-up (issue 16, item 2). bin/agentwatch.js runs dist/bundle.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}dist/bundle`;

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  // sweep-worker: lane-workers.ts starts it as `./sweep-worker.js` beside itself, so it keeps its name.
  entryPoints: { agentwatch: 'src/cli/agentwatch.ts', 'sweep-worker': 'src/evaluation/sweep-worker.ts' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  // Chunks beside the entries: import.meta.url-relative paths (../validators/, ../../fixtures/demo/,
  // ./sweep-worker.js) resolve from dist/bundle as they do from dist/<folder>.
  chunkNames: '[name]-[hash]',
  // Left to node_modules: pino starts its transports as worker files by path; kafkajs, prom-client
  // and OpenTelemetry are loaded only by the commands that use them (and are CommonJS, whose
  // bundling buys little). The generated validators (dist/validators) require ajv's runtime from
  // node_modules themselves.
  external: ['protobufjs', 'protobufjs/*', 'pino', 'pino-*', 'kafkajs', 'prom-client', '@opentelemetry/*', 'playwright-core'],
  // Bundled CommonJS (ajv, commander) calls require() for Node's built-ins: give the ESM files one.
  banner: { js: "import { createRequire as __awCreateRequire } from 'node:module'; const require = __awCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
