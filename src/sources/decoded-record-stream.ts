import { InvalidEventError, RejectReason } from '../core/errors.js';
import { decodeAuditEvent } from '../core/events/decode-audit-event.js';
import { overByteLimit, oversizedLineBytes, tooLarge, utf8Length } from '../core/events/oversized-line.js';
import { type DecodedRecord, decodeRecords } from '../formats/decode-records.js';
import type { FormatName, LogFormat } from '../formats/log-format.js';
import { readJsonDocument } from './json-document-source.js';
import { type LineBatch, readJsonlFile } from './jsonl-file-source.js';
import { type InputPlan, InputLayout, planFormatName, sniffInput } from './sniff-input.js';

/** What decides how a file is read and decoded (input.format or `--format`, input.maxEventBytes, input.maxDocumentBytes). */
export interface DecodeSettings {
  /** Every record is read as this format; undefined: recognised per file (sniffed), then per record. */
  format?: LogFormat;
  /** One native event, wherever it is read from, in UTF-8 bytes. */
  maxEventBytes: number;
  /** A whole document, or one line of a foreign format, in bytes. */
  maxDocumentBytes: number;
}

/**
 * Decoded records of one stretch of a file, in input order: events, rejects (InvalidEventError)
 * and skips (SkippedRecord), each with its position in parallel arrays, so that the native path
 * allocates nothing per event beyond the event itself. The stream refills the same batch for
 * each step: read it before asking for the next one.
 */
export class RecordBatch {
  readonly records: DecodedRecord[] = [];
  /** 1-based line of each record (1 for a whole document). */
  readonly lines: number[] = [];
  /** 1-based position among the records of its line or document when it held several; 0 otherwise. */
  readonly recordNos: number[] = [];
  /** The line each record was decoded from (for the rejects file); undefined inside a document. */
  readonly raws: (string | undefined)[] = [];
  /** Lines read for this batch (0 for a document), and how many of them were blank. */
  lineCount = 0;
  blankLines = 0;
  /** Bytes of the file (compressed for .gz) consumed so far, for progress. */
  bytesRead = 0;
  fileBytes = 0;

  constructor(
    readonly file: string,
    /** Native JSON Lines: one record per line, each line decoded under input.maxEventBytes. */
    readonly native: boolean,
  ) {}

  push(out: DecodedRecord, line: number, recordNo: number, raw: string | undefined): void {
    this.records.push(out);
    this.lines.push(line);
    this.recordNos.push(recordNo);
    this.raws.push(raw);
  }

  clear(): void {
    this.records.length = 0;
    this.lines.length = 0;
    this.recordNos.length = 0;
    this.raws.length = 0;
    this.lineCount = 0;
    this.blankLines = 0;
  }
}

export interface DecodedInput {
  file: string;
  plan: InputPlan;
  /** The format the file is read as, for the summary (`auto` when recognised record by record). */
  formatName: FormatName | 'auto';
  batches: AsyncGenerator<RecordBatch>;
}

/** Records of a whole document are handed on in batches of this many. */
const DOCUMENT_BATCH = 4096;

/**
 * The one ingest path for files (issue 18, item 1): sniffs the file (now, so that an unreadable
 * file fails before it is read), then reads it as native JSON Lines (decoded line by line, the
 * fast path), foreign JSON Lines (each line through the format adapters) or one JSON document.
 * Limits are in UTF-8 bytes (overByteLimit): a native event over `maxEventBytes` and a foreign
 * line or document over `maxDocumentBytes` are rejected as too_large; lines too long to hold come
 * as the reader's placeholder and are rejected unread.
 */
export function openDecodedRecords(file: string, settings: DecodeSettings): DecodedInput {
  const plan = sniffInput(file, settings.format);
  const batches = plan.native
    ? nativeBatches(file, settings)
    : plan.layout === InputLayout.Lines
      ? lineBatches(file, plan, settings)
      : documentBatches(file, plan, settings);
  return { file, plan, formatName: planFormatName(plan), batches };
}

/**
 * One read of native lines into the batch. A plain function rather than the generator's body:
 * the per-line loop is the hottest code of replay and stays small for V8 to optimise.
 */
function decodeNativeLines(read: LineBatch, batch: RecordBatch, maxBytes: number): void {
  const { lines, firstLine } = read;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0 || (line.length < 4 && line.trim() === '')) {
      batch.blankLines++;
      continue;
    }
    let out: DecodedRecord;
    try {
      out = decodeAuditEvent(line, maxBytes);
    } catch (err) {
      if (!(err instanceof InvalidEventError)) throw err;
      out = err;
    }
    batch.push(out, firstLine + i, 0, line);
  }
  batch.lineCount = lines.length;
}

async function* nativeBatches(file: string, settings: DecodeSettings): AsyncGenerator<RecordBatch> {
  const batch = new RecordBatch(file, true);
  for await (const read of readJsonlFile(file, { maxLineBytes: settings.maxEventBytes })) {
    batch.clear();
    decodeNativeLines(read, batch, settings.maxEventBytes);
    batch.bytesRead = read.bytesRead;
    batch.fileBytes = read.fileBytes;
    yield batch;
  }
}

/** One line of a foreign format (or of native records the sniffing could not see): its records. */
function decodeForeignLine(line: string, lineNo: number, plan: InputPlan, settings: DecodeSettings, batch: RecordBatch): void {
  const skipped = oversizedLineBytes(line);
  if (skipped !== undefined) {
    batch.push(tooLarge('line', skipped, settings.maxDocumentBytes, 'input.maxDocumentBytes', true), lineNo, 0, undefined);
    return;
  }
  if (overByteLimit(line, settings.maxDocumentBytes)) {
    batch.push(tooLarge('line', utf8Length(line), settings.maxDocumentBytes, 'input.maxDocumentBytes'), lineNo, 0, line);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    batch.push(new InvalidEventError(RejectReason.NotJson, `not valid JSON: ${(cause as Error).message}`, { cause }), lineNo, 0, line);
    return;
  }
  // A native record is held to input.maxEventBytes here too: this path also reads native lines
  // (after a first line longer than the sniffing head), which the native path would have rejected.
  const native = { maxBytes: settings.maxEventBytes, wholeFits: !overByteLimit(line, settings.maxEventBytes) };
  const first = batch.records.length;
  let n = 0;
  for (const out of decodeRecords(value, plan.format, plan.sniffed, 0, native)) batch.push(out, lineNo, ++n, line);
  // A line that held one record has no record position.
  if (n === 1) batch.recordNos[first] = 0;
}

async function* lineBatches(file: string, plan: InputPlan, settings: DecodeSettings): AsyncGenerator<RecordBatch> {
  const batch = new RecordBatch(file, false);
  for await (const read of readJsonlFile(file, { maxLineBytes: settings.maxDocumentBytes })) {
    batch.clear();
    const { lines, firstLine } = read;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') {
        batch.blankLines++;
        continue;
      }
      decodeForeignLine(line, firstLine + i, plan, settings, batch);
    }
    batch.lineCount = lines.length;
    batch.bytesRead = read.bytesRead;
    batch.fileBytes = read.fileBytes;
    yield batch;
  }
}

/**
 * A whole document, read at once (delivery files are small; `maxDocumentBytes` bounds it). A
 * "document" that turns out not to be one JSON value is read again as lines, so that each line is
 * judged on its own.
 */
async function* documentBatches(file: string, plan: InputPlan, settings: DecodeSettings): AsyncGenerator<RecordBatch> {
  let doc;
  try {
    doc = await readJsonDocument(file, settings.maxDocumentBytes);
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    if (err.reason === RejectReason.NotJson) {
      yield* lineBatches(file, plan, settings);
      return;
    }
    const batch = new RecordBatch(file, false);
    batch.push(err, 1, 0, undefined);
    yield batch;
    return;
  }
  const batch = new RecordBatch(file, false);
  batch.fileBytes = doc.fileBytes;
  let record = 0;
  // A document's size says nothing about one record's: its native records are measured.
  for (const out of decodeRecords(doc.value, plan.format, plan.sniffed, 0, { maxBytes: settings.maxEventBytes })) {
    batch.push(out, 1, ++record, undefined);
    if (batch.records.length >= DOCUMENT_BATCH) {
      yield batch;
      batch.clear();
    }
  }
  batch.bytesRead = doc.fileBytes;
  yield batch;
}
