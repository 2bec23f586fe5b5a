import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AgentwatchError, ErrorCode, InvalidSnapshotError } from '../core/errors.js';
import { type StateEnvelope, parseStateEnvelope } from './state-envelope.js';

/** Writes the state as JSON, gzip-compressed when the name ends in `.gz`; atomically (a reader never sees half a file). */
export function writeStateFile(file: string, state: StateEnvelope): void {
  const json = Buffer.from(`${JSON.stringify(state)}\n`);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, file.endsWith('.gz') ? gzipSync(json, { level: 6 }) : json);
    renameSync(tmp, file);
  } catch (cause) {
    throw new AgentwatchError(ErrorCode.Io, `cannot write state file ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads a state file, compressed or not (told by its first bytes, not its name). */
export function readStateFile(file: string): StateEnvelope {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (cause) {
    throw new AgentwatchError(ErrorCode.InputNotFound, `cannot read state file ${file}: ${(cause as Error).message}`, { cause });
  }
  let text: string;
  try {
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  } catch (cause) {
    throw new InvalidSnapshotError(`${file} is not an agentwatch state file: corrupt gzip data (${(cause as Error).message})`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidSnapshotError(`${file} is not an agentwatch state file: not a JSON document`, { cause });
  }
  return parseStateEnvelope(value, file);
}
