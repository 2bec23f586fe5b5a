import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputNotFoundError, InvalidVerdictError } from '../core/errors.js';
import { type Verdict, VerdictSchema } from '../core/feedback/verdict.js';
import { SchemaValidator } from '../config/schema-validator.js';

const validator = new SchemaValidator(VerdictSchema);

export { InvalidVerdictError } from '../core/errors.js';

/** Checks one verdict (a parsed line or Kafka message); the error names the field and the fix. */
export function checkVerdict(value: unknown, where: string): Verdict {
  const problems = validator.check(value);
  if (problems.length > 0) {
    throw new InvalidVerdictError(
      `${where}: invalid verdict: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')} (expected {"alertId": "...", "verdict": "normal"|"confirmed"}; see schemas/verdict.schema.json)`,
    );
  }
  return value as Verdict;
}

/**
 * The feedback file of a replay: one verdict per line. A later line about the same alert wins
 * (an analyst may change their mind), as the compacted feedback topic does live.
 */
export function readVerdictsFile(path: string): Verdict[] {
  if (!existsSync(path))
    throw new InputNotFoundError(`feedback file not found: ${path} (write one with: agentwatch feedback <alert-id> --normal --file ${path})`);
  const byAlert = new Map<string, Verdict>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new InvalidVerdictError(`${path}:${i + 1}: not JSON: ${(err as Error).message}`, { cause: err });
      }
      const verdict = checkVerdict(value, `${path}:${i + 1}`);
      byAlert.delete(verdict.alertId);
      byAlert.set(verdict.alertId, verdict);
    });
  return [...byAlert.values()];
}

export function appendVerdict(path: string, verdict: Verdict): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(verdict)}\n`);
}
