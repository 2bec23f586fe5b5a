import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AgentwatchError, ErrorCode } from '../core/errors.js';

export interface LineBatch {
  file: string;
  /** 1-based line number of `lines[0]`. */
  firstLine: number;
  lines: string[];
  /** Bytes of the file (compressed bytes for .gz) consumed so far, for progress. */
  bytesRead: number;
  fileBytes: number;
}

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams a `.jsonl` or gzip-compressed file (detected by its magic bytes, whatever the name) as
 * batches of lines: one await per batch, not per line, keeps replay close to raw parsing speed.
 * Memory is bounded by the stream's chunk size plus one partial line.
 */
export async function* readJsonlFile(file: string, highWaterMark = 1 << 20): AsyncGenerator<LineBatch> {
  let fileBytes: number;
  let gz: boolean;
  try {
    fileBytes = statSync(file).size;
    gz = isGzip(file);
  } catch (cause) {
    throw new AgentwatchError(ErrorCode.InputNotFound, `cannot read input ${file}: ${(cause as Error).message}`, { cause });
  }
  const raw = createReadStream(file, { highWaterMark });
  let bytesRead = 0;
  raw.on('data', (chunk) => (bytesRead += chunk.length));
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: highWaterMark })) : raw;
  if (gz) raw.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  let carry = '';
  let line = 1;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = carry + chunk;
      const lines = text.split('\n');
      carry = lines.pop() as string;
      if (lines.length === 0) continue;
      const batch: LineBatch = { file, firstLine: line, lines, bytesRead, fileBytes };
      line += lines.length;
      yield batch;
    }
  } catch (cause) {
    throw new AgentwatchError(ErrorCode.Io, `error reading ${file} near line ${line}: ${(cause as Error).message}`, { cause });
  }
  if (carry.length > 0) yield { file, firstLine: line, lines: [carry], bytesRead: fileBytes, fileBytes };
}
