import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { cannotRead, FileReadError } from '../core/errors.js';
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
 * The bytes of a line being assembled across chunks. Pieces are kept apart and joined once, when
 * the line ends: concatenating each chunk onto the carried text and splitting it again made a
 * line without line feeds quadratic (a 200 MB one took minutes and 1.8 GB). A line is held up to
 * three times the cap in bytes, the most a line of `maxChars` characters can take in UTF-8; past
 * that its pieces are dropped and only its size is counted, so memory stays at one chunk.
 */
class PartialLine {
  private pieces: Buffer[] = [];
  private bytes = 0;
  private skipping = false;

  constructor(private readonly maxChars: number) {}

  get empty(): boolean {
    return this.bytes === 0;
  }

  add(piece: Buffer): void {
    if (piece.length === 0) return;
    this.bytes += piece.length;
    if (this.skipping) return;
    if (this.bytes > this.maxChars * 3) {
      this.pieces = [];
      this.skipping = true;
      return;
    }
    // A copy: the stream may reuse the memory of the chunk the piece is cut from.
    this.pieces.push(Buffer.from(piece));
  }

  /** Ends the line with `last` and returns it (or its placeholder). */
  end(last: Buffer): string {
    let line: string;
    if (this.skipping || this.bytes + last.length > this.maxChars * 3) {
      line = oversizedLine(this.bytes + last.length);
    } else {
      line = lineText(this.pieces.length === 0 ? last : Buffer.concat([...this.pieces, last]), this.maxChars);
    }
    this.pieces = [];
    this.bytes = 0;
    this.skipping = false;
    return line;
  }
}

/**
 * The text of one line's bytes. The cap is in characters, as the reader has always applied it
 * (characters bound bytes from below, so a line over it in characters is over it in bytes; one
 * under it in characters but over in bytes is handed on and rejected by the byte check of
 * whoever decodes it).
 */
function lineText(bytes: Buffer, maxChars: number): string {
  const text = bytes.toString('utf8');
  return text.length > maxChars ? oversizedLine(Buffer.byteLength(text)) : text;
}

/**
 * Streams a `.jsonl` or gzip-compressed file (detected by its magic bytes, whatever the name) as
 * batches of lines: one await per batch, not per line, keeps replay close to raw parsing speed.
 * Line feeds are found in the bytes and each line is decoded on its own (issue 16: decoding whole
 * chunks and splitting the text cost a quarter of replay, and every line kept its chunk's text
 * alive). A line feed byte never occurs inside a UTF-8 sequence, so the lines are the same.
 * Memory is bounded by the stream's chunk size plus one line of at most three times `maxLineBytes`.
 */
export async function* readJsonlFile(file: string, options: JsonlReadOptions | number = {}): AsyncGenerator<LineBatch> {
  const { highWaterMark = 1 << 20, maxLineBytes = DEFAULT_MAX_LINE_BYTES } = typeof options === 'number' ? { highWaterMark: options } : options;
  let fileBytes: number;
  let gz: boolean;
  try {
    fileBytes = statSync(file).size;
    gz = isGzip(file);
  } catch (cause) {
    throw cannotRead('input', file, cause);
  }
  const raw = createReadStream(file, { highWaterMark });
  let bytesRead = 0;
  raw.on('data', (chunk) => (bytesRead += chunk.length));
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: highWaterMark })) : raw;
  if (gz) raw.on('error', (err) => stream.destroy(err));
  const partial = new PartialLine(maxLineBytes);
  let line = 1;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let nl = chunk.indexOf(10);
      if (nl < 0) {
        partial.add(chunk);
        continue;
      }
      const lines: string[] = [partial.end(chunk.subarray(0, nl))];
      let start = nl + 1;
      while ((nl = chunk.indexOf(10, start)) >= 0) {
        lines.push(nl - start > maxLineBytes ? lineText(chunk.subarray(start, nl), maxLineBytes) : chunk.toString('utf8', start, nl));
        start = nl + 1;
      }
      partial.add(chunk.subarray(start));
      const batch: LineBatch = { file, firstLine: line, lines, bytesRead, fileBytes };
      line += lines.length;
      yield batch;
    }
  } catch (cause) {
    throw new FileReadError(`error reading ${file} near line ${line}: ${(cause as Error).message}`, { cause });
  }
  if (!partial.empty) yield { file, firstLine: line, lines: [partial.end(Buffer.alloc(0))], bytesRead: fileBytes, fileBytes };
}
