import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AgentwatchError, ErrorCode } from '../core/errors.js';
import { oversizedLine } from '../core/events/oversized-line.js';

export interface LineBatch {
  file: string;
  /** 1-based line number of `lines[0]`. */
  firstLine: number;
  /**
   * The lines, without their line feeds. A line over `maxLineBytes` is not held: its place has
   * the placeholder of oversized-line.ts, which decodeAuditEvent and the format reader reject as
   * `too_large` (oversizedLineBytes() tells it apart).
   */
  lines: string[];
  /** Bytes of the file (compressed bytes for .gz) consumed so far, for progress. */
  bytesRead: number;
  fileBytes: number;
}

export interface JsonlReadOptions {
  /** Read size of the file, and of the gunzip output. */
  highWaterMark?: number;
  /**
   * Longest line held in memory, in bytes. Longer lines are skipped to their line feed without
   * being buffered. The default is the largest `input.maxEventBytes` the schema allows, so no
   * native event that any configuration accepts is lost; callers that know their limit pass it.
   */
  maxLineBytes?: number;
}

/** The largest `input.maxEventBytes` allowed (config-schema.ts); no native event is longer. */
export const DEFAULT_MAX_LINE_BYTES = 10_485_760;

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
 * The line being assembled across chunks. Pieces are kept apart and joined once, when the line
 * ends: concatenating each chunk onto the carried text and splitting it again made a line
 * without line feeds quadratic (a 200 MB one took minutes and 1.8 GB). Once the line passes the
 * cap its pieces are dropped and only its size is counted, so memory stays at one chunk.
 */
class PartialLine {
  private pieces: string[] = [];
  private chars = 0;
  /** Bytes of a line being skipped; undefined while it is still held. */
  private skipped: number | undefined;

  constructor(private readonly maxChars: number) {}

  get empty(): boolean {
    return this.chars === 0 && this.skipped === undefined;
  }

  add(piece: string): void {
    if (piece.length === 0) return;
    if (this.skipped !== undefined) {
      this.skipped += Buffer.byteLength(piece);
      return;
    }
    if (this.chars + piece.length > this.maxChars) {
      this.skipped = this.pieces.reduce((n, p) => n + Buffer.byteLength(p), Buffer.byteLength(piece));
      this.pieces = [];
      this.chars = 0;
      return;
    }
    this.pieces.push(piece);
    this.chars += piece.length;
  }

  /** Ends the line with `last` and returns it (or its placeholder). */
  end(last: string): string {
    let line: string;
    if (this.skipped !== undefined) {
      line = oversizedLine(this.skipped + Buffer.byteLength(last));
    } else if (this.chars + last.length > this.maxChars) {
      line = oversizedLine(this.pieces.reduce((n, p) => n + Buffer.byteLength(p), Buffer.byteLength(last)));
    } else {
      line = this.pieces.length === 0 ? last : this.pieces.join('') + last;
    }
    this.pieces = [];
    this.chars = 0;
    this.skipped = undefined;
    return line;
  }
}

/**
 * Streams a `.jsonl` or gzip-compressed file (detected by its magic bytes, whatever the name) as
 * batches of lines: one await per batch, not per line, keeps replay close to raw parsing speed.
 * Memory is bounded by the stream's chunk size plus one line of at most `maxLineBytes`.
 */
export async function* readJsonlFile(file: string, options: JsonlReadOptions | number = {}): AsyncGenerator<LineBatch> {
  const { highWaterMark = 1 << 20, maxLineBytes = DEFAULT_MAX_LINE_BYTES } = typeof options === 'number' ? { highWaterMark: options } : options;
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
  // Characters bound bytes from below, so a line over the cap in characters is over it in bytes;
  // one under it in characters but over in bytes is held (at most three times the cap) and
  // rejected by the byte check of whoever decodes it.
  const partial = new PartialLine(maxLineBytes);
  let line = 1;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const first = chunk.indexOf('\n');
      if (first < 0) {
        partial.add(chunk);
        continue;
      }
      const lines = chunk.split('\n');
      const rest = lines.pop() as string;
      lines[0] = partial.end(lines[0] as string);
      for (let i = 1; i < lines.length; i++) if ((lines[i] as string).length > maxLineBytes) lines[i] = oversizedLine(Buffer.byteLength(lines[i] as string));
      partial.add(rest);
      const batch: LineBatch = { file, firstLine: line, lines, bytesRead, fileBytes };
      line += lines.length;
      yield batch;
    }
  } catch (cause) {
    throw new AgentwatchError(ErrorCode.Io, `error reading ${file} near line ${line}: ${(cause as Error).message}`, { cause });
  }
  if (!partial.empty) yield { file, firstLine: line, lines: [partial.end('')], bytesRead: fileBytes, fileBytes };
}
