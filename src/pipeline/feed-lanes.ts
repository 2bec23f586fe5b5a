import { InvalidConfigError, InvalidEventError } from '../core/errors.js';
import { overByteLimit, tooLarge, utf8Length } from '../core/events/oversized-line.js';
import type { Config } from '../config/config-schema.js';
import { resolveFormatChoice } from '../formats/format-registry.js';
import { SkippedRecord } from '../formats/log-format.js';
import { type DecodeSettings, type RecordBatch, openDecodedRecords } from '../sources/decoded-record-stream.js';
import type { DetectionLane } from './detection-lane.js';

/**
 * What decides how a file is read and decoded, which every lane must share (`replay --format`,
 * input.format, input.maxDocumentBytes); input.maxEventBytes may differ.
 */
export function decodeSettingsKey(config: Config, format?: string): string {
  return `${format ?? config.input.format}|${config.input.maxDocumentBytes}`;
}

/** How the lanes' files are decoded: once, at the largest input.maxEventBytes of the lanes. */
export function laneDecodeSettings(configs: readonly Config[], format?: string): DecodeSettings {
  const first = configs[0];
  if (first && configs.some((c) => decodeSettingsKey(c, format) !== decodeSettingsKey(first, format))) {
    throw new InvalidConfigError('the configurations read the files differently (input.format or input.maxDocumentBytes): replay them separately');
  }
  const fixed = resolveFormatChoice(format ?? first?.input.format);
  return {
    ...(fixed && { format: fixed }),
    maxEventBytes: Math.max(...configs.map((c) => c.input.maxEventBytes)),
    maxDocumentBytes: first?.input.maxDocumentBytes ?? 0,
  };
}

export interface LaneFeed {
  files: readonly string[];
  decode: DecodeSettings;
  lanes: readonly DetectionLane[];
  /** A file was sniffed, before its records are read. */
  onFile?: (file: string, fileIndex: number, formatName: string) => void;
  /** A batch was handed to every lane; `lines` so far, its processing time in ms. */
  onBatch?: (batch: RecordBatch, fileIndex: number, lines: number, batchMs: number) => void;
}

/**
 * The one ingest loop (issue 18, item 1): each file's decoded records (decoded-record-stream.ts)
 * handed to every lane in input order, then each lane flushed. `replay` is this with one lane;
 * tune and diff run several over one read and one decode. A lane whose input.maxEventBytes is
 * below the decoding limit rejects the longer native lines itself, as its own replay would.
 */
export async function feedLanes(feed: LaneFeed): Promise<{ lines: number; blankLines: number }> {
  const { lanes, decode } = feed;
  const ownLimit = lanes.map((l) => l.maxEventBytes < decode.maxEventBytes);
  const anyOwnLimit = ownLimit.includes(true);
  let lines = 0;
  let blankLines = 0;
  for (const [fileIndex, file] of feed.files.entries()) {
    const input = openDecodedRecords(file, decode);
    for (const lane of lanes) lane.startSource();
    feed.onFile?.(file, fileIndex, input.formatName);
    for await (const batch of input.batches) {
      const started = performance.now();
      lines += batch.lineCount;
      blankLines += batch.blankLines;
      const { records, raws } = batch;
      const checkOwn = anyOwnLimit && batch.native;
      for (let i = 0; i < records.length; i++) {
        const out = records[i];
        if (out instanceof SkippedRecord) {
          for (const lane of lanes) lane.skip(out.reason);
          continue;
        }
        const line = batch.lines[i] as number;
        const recordNo = batch.recordNos[i] as number;
        const raw = raws[i];
        for (let l = 0; l < lanes.length; l++) {
          const lane = lanes[l] as DetectionLane;
          let pending;
          if (checkOwn && ownLimit[l] === true && overByteLimit(raw as string, lane.maxEventBytes)) {
            // A native line over this lane's own limit, smaller than the one the file was decoded with.
            pending = lane.reject(tooLarge('event', utf8Length(raw as string), lane.maxEventBytes, 'input.maxEventBytes'), file, line, recordNo, raw);
          } else if (out instanceof InvalidEventError) {
            pending = lane.reject(out, file, line, recordNo, raw);
          } else {
            pending = lane.event(out as Exclude<typeof out, undefined>, file, line, recordNo, raw);
          }
          if (pending) await pending;
        }
      }
      feed.onBatch?.(batch, fileIndex, lines, performance.now() - started);
    }
  }
  for (const lane of lanes) await lane.finish();
  return { lines, blankLines };
}
