import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeclaredBaselines } from '../core/baselines/declared-baselines.js';
import { type DeclaredBaselinesDocument, DeclaredBaselinesSchema } from '../core/baselines/declared-baselines-schema.js';
import { InvalidBaselinesError } from '../core/errors.js';
import { spanProblem } from '../core/baselines/maintenance-windows.js';
import { isValidTimezone } from '../core/time/timezone.js';
import { type SchemaProblem, SchemaValidator, formatProblems, parseYamlWithLines } from './schema-validator.js';

const validator = new SchemaValidator(DeclaredBaselinesSchema);

/** Validates one baselines document; problems name the path (and line) and what is expected. */
export function checkBaselinesDocument(value: unknown, doc?: ReturnType<typeof parseYamlWithLines>): SchemaProblem[] {
  const problems = validator.check(value ?? {}, doc);
  if (problems.length) return problems;
  const d = (value ?? {}) as DeclaredBaselinesDocument;
  (d.agents ?? []).forEach((a, i) => {
    if (a.timezone !== undefined && !isValidTimezone(a.timezone)) {
      problems.push({ path: `/agents/${i}/timezone`, message: `unknown IANA time zone "${a.timezone}" (e.g. Europe/London, America/New_York, UTC)` });
    }
    (a.maintenance ?? []).forEach((w, j) => {
      const problem = 'from' in w ? spanProblem(w.from, w.to) : undefined;
      if (problem !== undefined) problems.push({ path: `/agents/${i}/maintenance/${j}`, message: problem });
    });
  });
  return problems;
}

/**
 * Loads every `*.yaml` / `*.yml` in a folder, in name order, and merges them: lists are
 * concatenated, so packs (aws.yaml, entra.yaml, fleet.yaml) compose. All problems of all files
 * are reported at once.
 */
export function loadBaselinesDir(dir: string): { baselines: DeclaredBaselines; files: string[]; document: DeclaredBaselinesDocument } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InvalidBaselinesError(`${dir} is not a folder (expected a folder of *.yaml files)`);
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/i.test(n))
      .sort();
  } catch (cause) {
    if (cause instanceof InvalidBaselinesError) throw cause;
    throw new InvalidBaselinesError(`cannot read baselines folder ${dir}: ${(cause as Error).message}`, { cause });
  }
  const merged: Required<DeclaredBaselinesDocument> = { sensitive: [], privileged: [], agents: [], tools: [] };
  const report: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    files.push(file);
    const parsed = parseYamlWithLines(readFileSync(file, 'utf8'));
    if (parsed.errors.length) {
      report.push(`  ${file}: not valid YAML: ${parsed.errors.join('; ')}`);
      continue;
    }
    const problems = checkBaselinesDocument(parsed.value, parsed);
    if (problems.length) {
      report.push(formatProblems(file, problems));
      continue;
    }
    const d = (parsed.value ?? {}) as DeclaredBaselinesDocument;
    merged.sensitive.push(...(d.sensitive ?? []));
    merged.privileged.push(...(d.privileged ?? []));
    merged.agents.push(...(d.agents ?? []));
    merged.tools.push(...(d.tools ?? []));
  }
  if (report.length) throw new InvalidBaselinesError(`invalid declared baselines:\n${report.join('\n')}`);
  return { baselines: new DeclaredBaselines(merged), files, document: merged };
}
