import { InvalidEventError, RejectReason } from '../core/errors.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../core/events/decode-audit-event.js';
import { overByteLimit, oversizedLineBytes, utf8Length } from '../core/events/oversized-line.js';
import { type DecodedRecord, decodeRecords } from '../formats/decode-records.js';
import { readJsonDocument } from './json-document-source.js';
import { readJsonlFile } from './jsonl-file-source.js';
import { type InputPlan, InputLayout } from './sniff-input.js';

export interface DecodedItem {
  /** 1-based line of the file (1 for a whole document). */
  line: number;
  /** 1-based position among the records decoded from that line or document, when it held several. */
  record?: number;
  out: DecodedRecord;
  /** The line (or nothing, for a document) for the rejects file. */
  raw?: string;
}

export interface DecodedBatch {
  file: string;
  items: DecodedItem[];
  lines: number;
  blankLines: number;
  bytesRead: number;
  fileBytes: number;
}

const DOCUMENT_BATCH = 4096;

interface ReadLimits {
  /** A whole document or one line of a foreign format (input.maxDocumentBytes). */
  maxDocumentBytes: number;
  /** One native event, wherever it is read from (input.maxEventBytes). */
  maxEventBytes: number;
}

function* lineItems(line: string, lineNo: number, plan: InputPlan, limits: ReadLimits): Iterable<DecodedItem> {
  const skipped = oversizedLineBytes(line);
  if (skipped !== undefined) {
    yield {
      line: lineNo,
      out: new InvalidEventError(
        RejectReason.TooLarge,
        `line is ${skipped} bytes, over the ${limits.maxDocumentBytes} limit (input.maxDocumentBytes); skipped unread`,
      ),
    };
    return;
  }
  if (overByteLimit(line, limits.maxDocumentBytes)) {
    yield {
      line: lineNo,
      out: new InvalidEventError(
        RejectReason.TooLarge,
        `line is ${utf8Length(line)} bytes, over the ${limits.maxDocumentBytes} limit (input.maxDocumentBytes)`,
      ),
      raw: line,
    };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    yield { line: lineNo, out: new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause }), raw: line };
    return;
  }
  // A native event is held to input.maxEventBytes here too: this path also reads native lines
  // (after a first line longer than the sniffing head), and replay's native loop would have
  // rejected them.
  const native = { maxBytes: limits.maxEventBytes, wholeFits: !overByteLimit(line, limits.maxEventBytes) };
  const outs = [...decodeRecords(value, plan.format, plan.sniffed, 0, native)];
  for (const [i, out] of outs.entries()) yield { line: lineNo, ...(outs.length > 1 && { record: i + 1 }), out, raw: line };
}

async function* readLines(file: string, plan: InputPlan, limits: ReadLimits): AsyncGenerator<DecodedBatch> {
  for await (const batch of readJsonlFile(file, { maxLineBytes: limits.maxDocumentBytes })) {
    const items: DecodedItem[] = [];
    let blankLines = 0;
    for (const [i, line] of batch.lines.entries()) {
      if (line.trim() === '') {
        blankLines++;
        continue;
      }
      for (const item of lineItems(line, batch.firstLine + i, plan, limits)) items.push(item);
    }
    yield { file, items, lines: batch.lines.length, blankLines, bytesRead: batch.bytesRead, fileBytes: batch.fileBytes };
  }
}

/**
 * A file in a foreign format (or a whole document of any format) as batches of decoded records:
 * events, rejects with their line and record position, and skipped records. JSON Lines are
 * streamed; a document is read at once. A "document" that turns out not to be one JSON value is
 * read again as lines, so that each line is judged on its own. Limits are in bytes: a line or
 * document over `maxDocumentBytes` is rejected as too_large (a line without being held), and so is
 * a native record over `maxEventBytes`.
 */
export async function* readFormatFile(
  file: string,
  plan: InputPlan,
  maxDocumentBytes: number,
  maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
): AsyncGenerator<DecodedBatch> {
  const limits: ReadLimits = { maxDocumentBytes, maxEventBytes };
  if (plan.layout === InputLayout.Lines) {
    yield* readLines(file, plan, limits);
    return;
  }
  let doc;
  try {
    doc = await readJsonDocument(file, maxDocumentBytes);
  } catch (err) {
    if (err instanceof InvalidEventError && err.reason === RejectReason.NotJson) {
      yield* readLines(file, plan, limits);
      return;
    }
    if (!(err instanceof InvalidEventError)) throw err;
    yield { file, items: [{ line: 1, out: err }], lines: 0, blankLines: 0, bytesRead: 0, fileBytes: 0 };
    return;
  }
  let items: DecodedItem[] = [];
  let record = 0;
  // A document's size says nothing about one record's: its native records are measured.
  for (const out of decodeRecords(doc.value, plan.format, plan.sniffed, 0, { maxBytes: maxEventBytes })) {
    items.push({ line: 1, record: ++record, out });
    if (items.length >= DOCUMENT_BATCH) {
      yield { file, items, lines: 0, blankLines: 0, bytesRead: 0, fileBytes: doc.fileBytes };
      items = [];
    }
  }
  yield { file, items, lines: 0, blankLines: 0, bytesRead: doc.fileBytes, fileBytes: doc.fileBytes };
}
