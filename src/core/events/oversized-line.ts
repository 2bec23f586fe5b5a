import { InvalidEventError, RejectReason } from '../errors.js';

/**
 * A line the reader refused to hold (longer than its cap) still has a line number, and every
 * reader of lines must reject it as `too_large` there. Readers take lines as strings, so the
 * reader hands this placeholder in the line's place: it begins with a line feed, which a line
 * split on line feeds never contains, so no input line can be mistaken for it (a Kafka message
 * that spells it is not an event either way).
 */
const PLACEHOLDER = /^\n\(line of (\d{1,16}) bytes, skipped unread\)$/;

/** Readable as it is, since a rejects file may show it as the line's `raw`. */
export function oversizedLine(bytes: number): string {
  return `\n(line of ${bytes} bytes, skipped unread)`;
}

/** The size in bytes of the line a placeholder stands for; undefined for any real line. */
export function oversizedLineBytes(line: string): number | undefined {
  if (line.charCodeAt(0) !== 10) return undefined;
  const m = PLACEHOLDER.exec(line);
  return m ? Number(m[1]) : undefined;
}

/**
 * UTF-8 length of a string: limits are in bytes, as Kafka and the files count them, while
 * `string.length` counts UTF-16 units (one to three bytes each; a surrogate pair is four).
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: four bytes for two units.
      bytes += 2;
      i++;
    } else {
      // The rest of the BMP, and a lone surrogate (written as U+FFFD), take three.
      bytes += 2;
    }
  }
  return bytes;
}

/**
 * The one size rule (issue 18, item 1): whether input exceeds `maxBytes` in UTF-8 bytes, for
 * text (a line; counted only when its length cannot tell) as for bytes as read (a Kafka message
 * value), so that input.maxEventBytes means the same in replay and live.
 */
export function overByteLimit(input: string | Uint8Array, maxBytes: number): boolean {
  if (typeof input !== 'string') return input.length > maxBytes;
  if (input.length > maxBytes) return true;
  if (input.length * 3 <= maxBytes) return false;
  return utf8Length(input) > maxBytes;
}

/** The size limits a reject names: the setting the user can change. */
export type SizeSetting = 'input.maxEventBytes' | 'input.maxDocumentBytes';

/** A too_large reject, worded the same wherever the rule is applied. */
export function tooLarge(what: string, bytes: number, maxBytes: number, setting: SizeSetting, unread = false, options?: ErrorOptions): InvalidEventError {
  return new InvalidEventError(
    RejectReason.TooLarge,
    `${what} is ${bytes} bytes, over the ${maxBytes} limit (${setting})${unread ? '; skipped unread' : ''}`,
    options,
  );
}
