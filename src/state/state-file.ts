import { constants } from 'node:buffer';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cannotRead, cannotWrite, InvalidSnapshotError } from '../core/errors.js';
import { type StateEnvelope, parseStateEnvelope } from './state-envelope.js';

/** Writes the state as JSON, gzip-compressed when the name ends in `.gz`; atomically (a reader never sees half a file). */
export function writeStateFile(file: string, state: StateEnvelope): void {
  const json = Buffer.from(`${JSON.stringify(state)}\n`);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, file.endsWith('.gz') ? gzipSync(json, { level: 6 }) : json);
    renameSync(tmp, file);
  } catch (cause) {
    throw cannotWrite('state file', file, cause);
  }
}

/**
 * The most a state file may hold once decompressed: the longest string JSON.parse can be given
 * (V8's limit, 512 MiB). Anything beyond could not be read anyway, and stopping gunzip there is
 * what keeps a small gzip bomb (1.5 MB that inflates to gigabytes) from taking the memory with it.
 */
export const MAX_STATE_BYTES = constants.MAX_STRING_LENGTH;

const tooLarge = (file: string, limit: number) =>
  new InvalidSnapshotError(
    `${file} holds more than ${limit} bytes once decompressed, the most a state file can hold: not an agentwatch state file (a gzip bomb?), or one that cannot be read`,
  );

/** Reads a state file, compressed or not (told by its first bytes, not its name). */
export function readStateFile(file: string, opts: { maxBytes?: number } = {}): StateEnvelope {
  const limit = opts.maxBytes ?? MAX_STATE_BYTES;
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (cause) {
    throw cannotRead('state file', file, cause);
  }
  let data = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      data = gunzipSync(raw, { maxOutputLength: limit });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(file, limit);
      throw new InvalidSnapshotError(`${file} is not an agentwatch state file: corrupt gzip data (${(cause as Error).message})`, { cause });
    }
  }
  if (data.length > limit) throw tooLarge(file, limit);
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (cause) {
    throw new InvalidSnapshotError(`${file} is not an agentwatch state file: not a JSON document`, { cause });
  }
  return parseStateEnvelope(value, file);
}
