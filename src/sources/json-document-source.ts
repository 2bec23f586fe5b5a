import { open, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { cannotRead, FileReadError, InvalidEventError, RejectReason } from '../core/errors.js';
import { overByteLimit, tooLarge } from '../core/events/oversized-line.js';

const gunzipAsync = promisify(gunzip);

export interface JsonDocument {
  value: unknown;
  /** Bytes of the file as stored (compressed for gzip), for progress. */
  fileBytes: number;
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * A whole file as one JSON document (a CloudTrail delivery file, an OTLP export, a JSON array),
 * gzip or not. Delivery files are small (CloudTrail writes one every five minutes per region),
 * so the document is read at once; `maxBytes` bounds the decompressed size. A document that is
 * not JSON throws InvalidEventError (not_json), which the caller may answer by reading it as
 * lines instead.
 */
export async function readJsonDocument(file: string, maxBytes: number): Promise<JsonDocument> {
  let buf: Buffer;
  let fileBytes: number;
  try {
    fileBytes = (await stat(file)).size;
    // Only gzip can shrink: a plain file over the limit is refused before it is read into memory.
    if (fileBytes > maxBytes && !(await startsWithGzipMagic(file))) {
      throw tooLarge(file, fileBytes, maxBytes, 'input.maxDocumentBytes');
    }
    buf = await readFile(file);
  } catch (cause) {
    if (cause instanceof InvalidEventError) throw cause;
    throw cannotRead('input', file, cause);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = await gunzipAsync(buf, { maxOutputLength: maxBytes + 1 });
    } catch (cause) {
      if (cause instanceof RangeError || (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new InvalidEventError(RejectReason.TooLarge, `${file} decompresses to more than ${maxBytes} bytes (input.maxDocumentBytes)`, { cause });
      }
      throw new FileReadError(`cannot decompress ${file}: ${(cause as Error).message}`, { cause });
    }
  }
  if (overByteLimit(buf, maxBytes)) throw tooLarge(file, buf.length, maxBytes, 'input.maxDocumentBytes');
  try {
    return { value: JSON.parse(buf.toString('utf8')) as unknown, fileBytes };
  } catch (cause) {
    throw new InvalidEventError(RejectReason.NotJson, `${file} is not one JSON document: ${(cause as Error).message}`, { cause });
  }
}
