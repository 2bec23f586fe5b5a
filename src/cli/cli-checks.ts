/**
 * Checks a command makes before any work: an ordinary mistake (a missing file, an output path
 * that cannot be written, the wrong kind of file, "abc" where a number goes) is one clear line
 * and a non-zero exit, never a stack trace after minutes of replay.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileReadError, FileWriteError, InputNotFoundError, InvalidConfigError, InvalidInputError } from '../core/errors.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';

/** The name that means standard output wherever a command writes a file. */
export const STDOUT = '-';

const reason = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return (err as Error)?.message ?? String(err);
  }
};

/** Every input file exists, is a file and can be read. */
export function checkInputFiles(files: readonly string[], what = 'input file'): void {
  for (const file of files) {
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (cause) {
      throw (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? new InputNotFoundError(`cannot read ${what} ${file}: ${reason(cause)}`, { cause })
        : new FileReadError(`cannot read ${what} ${file}: ${reason(cause)}`, { cause });
    }
    if (!isFile) throw new FileReadError(`${what} ${file} is a folder; name the files in it (e.g. ${file.replace(/\/$/, '')}/*.jsonl.gz)`);
    try {
      accessSync(file, constants.R_OK);
    } catch (cause) {
      throw new FileReadError(`cannot read ${what} ${file}: ${reason(cause)}`, { cause });
    }
  }
}

/**
 * An output file can be created (its folders too) and written, without truncating it yet: the
 * command would otherwise discover it at its first alert, or at the very end.
 * `-` (standard output) is always fine.
 */
export function checkOutputPath(path: string, option: string): void {
  if (path === STDOUT) return;
  const fail = (why: string, cause?: unknown): never => {
    throw new FileWriteError(`${option} ${path}: ${why}`, cause === undefined ? undefined : { cause });
  };
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    // Absent (or a file in the way, which the walk below names).
  }
  if (existing?.isDirectory()) fail('is a folder; name a file in it (e.g. ' + `${path.replace(/\/$/, '')}/alerts.jsonl)`);
  // Folders are made one by one from the nearest existing one: Node's recursive mkdir spins
  // forever on some paths (/proc/nope/x), and a file in the way must be named, not EEXIST.
  const missing: string[] = [];
  let dir = dirname(resolve(path));
  for (;;) {
    let stats: ReturnType<typeof statSync> | undefined;
    try {
      stats = statSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
        missing.unshift(dir);
        dir = dirname(dir);
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') fail(`cannot use its folder ${dir}: ${reason(err)}`, err);
    }
    if (stats) {
      if (!stats.isDirectory()) fail(`${dir} is a file, not a folder`);
      break;
    }
    if (dirname(dir) === dir) break;
    missing.unshift(dir);
    dir = dirname(dir);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (cause) {
      fail(`cannot create its folder ${d}: ${reason(cause)}`, cause);
    }
  }
  try {
    // 'a' opens (and creates) without truncating what is there until the command really writes.
    closeSync(openSync(path, existing ? 'r+' : 'a'));
  } catch (cause) {
    fail(`cannot write: ${reason(cause)}`, cause);
  }
}

/** A number option: finite, within bounds, an integer when asked. */
export function numberOption(
  option: string,
  raw: string | undefined,
  bounds: { min?: number; max?: number; integer?: boolean; what?: string } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  const { min, max, integer } = bounds;
  const ok = Number.isFinite(n) && (!integer || Number.isInteger(n)) && (min === undefined || n >= min) && (max === undefined || n <= max);
  if (!ok) {
    const kind = bounds.what ?? (integer ? 'a whole number' : 'a number');
    const range =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? min === 0
            ? ' ≥ 0'
            : min === 1 && integer
              ? ' ≥ 1'
              : ` ≥ ${min}`
          : max !== undefined
            ? ` ≤ ${max}`
            : '';
    throw new InvalidConfigError(`${option} "${raw}": expected ${kind}${range}`);
  }
  return n;
}

export type FileKind = 'alerts' | 'labels' | 'verdicts' | 'events' | 'state' | 'other';

const KIND_NAMES: Record<FileKind, string> = {
  alerts: 'alerts (as written by `agentwatch replay --output`)',
  labels: 'labelled anomalies (labels.jsonl)',
  verdicts: 'analyst verdicts (`agentwatch feedback --file`)',
  events: 'audit events',
  state: 'a saved state (`replay --save-state`)',
  other: 'records of no kind agentwatch knows',
};

/** What one record of a JSON-lines file is, by the fields only that kind has. */
export function recordKind(value: unknown): FileKind {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'other';
  const v = value as Record<string, unknown>;
  const has = (k: string) => v[k] !== undefined;
  if (has('format') && String(v['format']).includes('state')) return 'state';
  if (has('alertId') && has('verdict')) return 'verdicts';
  if (has('detector') && has('start') && has('end')) return 'labels';
  if (has('detector') && has('severity') && has('agentId')) return 'alerts';
  if (has('agentId') && has('category') && has('action')) return 'events';
  // Foreign audit logs (CloudTrail, Kubernetes audit, Entra, OCSF…): recognised by their usual keys.
  if (['Records', 'eventName', 'auditID', 'verb', 'operationName', 'class_uid', 'resourceSpans'].some(has)) return 'events';
  return 'other';
}

/** The kind of the first non-empty record of a JSON-lines file (`.gz` or not), read without reading the rest. */
export async function firstRecordKind(file: string): Promise<FileKind | undefined> {
  for await (const batch of readJsonlFile(file)) {
    const line = batch.lines.find((l) => l.trim() !== '');
    if (line === undefined) continue;
    try {
      return recordKind(JSON.parse(line));
    } catch {
      // A whole JSON document (a state file, a CloudTrail delivery) does not parse line by line.
      return line.trim().startsWith('{') || line.trim().startsWith('[') ? 'other' : undefined;
    }
  }
  return undefined;
}

/** Fails when the file's first record is plainly another kind than `expected` (empty or unknown: left to the reader). */
export async function expectFileKind(file: string, expected: FileKind, role: string): Promise<void> {
  checkInputFiles([file], role);
  const kind = await firstRecordKind(file);
  if (kind === undefined || kind === expected || kind === 'other') return;
  throw new InvalidInputError(`${role} ${file} holds ${KIND_NAMES[kind]}, not ${KIND_NAMES[expected]}`);
}

/** Event files given to replay, tune, diff or produce: files, readable, and not agentwatch's own outputs. */
export async function checkEventFiles(files: readonly string[]): Promise<void> {
  checkInputFiles(files);
  for (const file of files) {
    const kind = await firstRecordKind(file).catch(() => undefined);
    if (kind === 'alerts' || kind === 'labels' || kind === 'verdicts' || kind === 'state') {
      throw new InvalidInputError(`input file ${file} holds ${KIND_NAMES[kind]}, not audit events`);
    }
  }
}
