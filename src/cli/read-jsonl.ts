import { InvalidInputError } from '../core/errors.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';

/** Reads a small JSONL file (labels, alerts) whole; a bad line is an error naming file and line. */
export async function readJsonlValues<T>(file: string): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of readJsonlFile(file)) {
    batch.lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as T);
      } catch (cause) {
        throw new InvalidInputError(`${file}:${batch.firstLine + i}: not valid JSON`, { cause });
      }
    });
  }
  return out;
}
