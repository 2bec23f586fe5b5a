import { InvalidEventError, RejectReason } from '../core/errors.js';
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

function* lineItems(line: string, lineNo: number, plan: InputPlan, maxBytes: number): Iterable<DecodedItem> {
  if (line.length > maxBytes) {
    yield { line: lineNo, out: new InvalidEventError(RejectReason.TooLarge, `line is ${line.length} characters, over the ${maxBytes} limit (input.maxDocumentBytes)`), raw: line };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    yield { line: lineNo, out: new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause }), raw: line };
    return;
  }
  const outs = [...decodeRecords(value, plan.format, plan.sniffed)];
  for (const [i, out] of outs.entries()) yield { line: lineNo, ...(outs.length > 1 && { record: i + 1 }), out, raw: line };
}

async function* readLines(file: string, plan: InputPlan, maxBytes: number): AsyncGenerator<DecodedBatch> {
  for await (const batch of readJsonlFile(file)) {
    const items: DecodedItem[] = [];
    let blankLines = 0;
    for (const [i, line] of batch.lines.entries()) {
      if (line.trim() === '') {
        blankLines++;
        continue;
      }
      for (const item of lineItems(line, batch.firstLine + i, plan, maxBytes)) items.push(item);
    }
    yield { file, items, lines: batch.lines.length, blankLines, bytesRead: batch.bytesRead, fileBytes: batch.fileBytes };
  }
}

/**
 * A file in a foreign format (or a whole document of any format) as batches of decoded records:
 * events, rejects with their line and record position, and skipped records. JSON Lines are
 * streamed; a document is read at once. A "document" that turns out not to be one JSON value is
 * read again as lines, so that each line is judged on its own.
 */
export async function* readFormatFile(file: string, plan: InputPlan, maxBytes: number): AsyncGenerator<DecodedBatch> {
  if (plan.layout === InputLayout.Lines) {
    yield* readLines(file, plan, maxBytes);
    return;
  }
  let doc;
  try {
    doc = await readJsonDocument(file, maxBytes);
  } catch (err) {
    if (err instanceof InvalidEventError && err.reason === RejectReason.NotJson) {
      yield* readLines(file, plan, maxBytes);
      return;
    }
    if (!(err instanceof InvalidEventError)) throw err;
    yield { file, items: [{ line: 1, out: err }], lines: 0, blankLines: 0, bytesRead: 0, fileBytes: 0 };
    return;
  }
  let items: DecodedItem[] = [];
  let record = 0;
  for (const out of decodeRecords(doc.value, plan.format, plan.sniffed)) {
    items.push({ line: 1, record: ++record, out });
    if (items.length >= DOCUMENT_BATCH) {
      yield { file, items, lines: 0, blankLines: 0, bytesRead: 0, fileBytes: doc.fileBytes };
      items = [];
    }
  }
  yield { file, items, lines: 0, blankLines: 0, bytesRead: doc.fileBytes, fileBytes: doc.fileBytes };
}
