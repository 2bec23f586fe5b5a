import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { cannotRead } from '../core/errors.js';

export interface FileHead {
  /** The first characters of the (decompressed) content. */
  text: string;
  /** The whole content fits in `text`. */
  complete: boolean;
  gzip: boolean;
}

/**
 * The beginning of a file, decompressed if it is gzip (by its magic bytes): enough to tell its
 * layout and format without reading it all. A truncated gzip stream decompresses as far as it
 * goes.
 */
export function readFileHead(file: string, maxBytes = 1 << 20): FileHead {
  let buf: Buffer;
  let size: number;
  try {
    const fd = openSync(file, 'r');
    try {
      buf = Buffer.alloc(maxBytes);
      size = readSync(fd, buf, 0, maxBytes, 0);
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    throw cannotRead('input', file, cause);
  }
  const raw = buf.subarray(0, size);
  const gzip = size >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (!gzip) return { text: raw.toString('utf8'), complete: size < maxBytes, gzip };
  // JSON compresses 10–30 times: a sixteenth of the head's bytes, compressed, fills the head.
  const compressed = raw.subarray(0, Math.max(1024, maxBytes >> 4));
  try {
    const out = gunzipSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: maxBytes * 16 });
    const whole = compressed.length === size && size < maxBytes && out.length <= maxBytes;
    return { text: out.subarray(0, maxBytes).toString('utf8'), complete: whole, gzip };
  } catch {
    // A broken stream: the reader will say so when it reads it all.
    return { text: '', complete: false, gzip };
  }
}
