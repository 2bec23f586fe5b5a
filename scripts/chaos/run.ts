// npm run chaos [-- --quick] [--only kill-9,bad-clocks] [--no-write]: the fault suite of issue 12
// against a private Kafka broker; results into RELIABILITY.md between the chaos markers.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ScenarioName, SCENARIOS, resultsMarkdown, runChaos } from './chaos-suite.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BEGIN = '<!-- chaos:begin -->';
const END = '<!-- chaos:end -->';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'no-write': { type: 'boolean', default: false }, port: { type: 'string' } },
});
const only = values.only?.split(',').map((s) => s.trim()) as ScenarioName[] | undefined;
for (const name of only ?? []) {
  if (!(name in SCENARIOS)) {
    process.stderr.write(`chaos: unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
    process.exit(2);
  }
}
process.stdout.write('chaos: building dist/ (the instances run the built CLI, as deployed)\n');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const started = Date.now();
const results = await runChaos({
  quick: values.quick,
  dist: true,
  ...(only && { only }),
  ...(values.port && { port: Number(values.port) }),
  log: (m) => process.stdout.write(`chaos: ${m}\n`),
});
const header = `Run of ${new Date().toISOString().slice(0, 10)} (${values.quick ? 'quick' : 'full'}; ${Math.round((Date.now() - started) / 1000)} s; Node ${process.version}, 2 cores shared with the broker)`;
const md = resultsMarkdown(results, header);
process.stdout.write(`\n${md}\n`);
if (!values['no-write']) {
  const file = `${ROOT}RELIABILITY.md`;
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) writeFileSync(file, `${doc.slice(0, a + BEGIN.length)}\n${md}\n${doc.slice(b)}`);
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
