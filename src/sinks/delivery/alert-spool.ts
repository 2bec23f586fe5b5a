import { mkdirSync } from 'node:fs';
import { appendFile, type FileHandle, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '../../core/alerts/alert.js';
import { cannotWrite, FileWriteError, QueueClosedError } from '../../core/errors.js';
import { type ReloadMetrics, ReloadKind, noopReloadMetrics } from '../../telemetry/reload-metrics.js';
import { type AlertStore, type QueuedAlert, spoolLine } from './alert-store.js';
import { parseSpoolRecord } from './spool-record-schema.js';
import { lockSpool } from './spool-lock.js';

interface Spooled extends QueuedAlert {
  readonly segment: number;
  /** Byte offset just after its line (and after records set aside behind it): the cursor once it is removed. */
  end: number;
}

interface Position {
  segment: number;
  offset: number;
}

interface PendingAppend {
  alerts: readonly Alert[];
  queuedAtMs: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface SpoolOptions {
  /** A new segment file starts past this size; a segment is deleted once all of it is delivered. */
  segmentBytes?: number;
  warn?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Counts the records set aside as unreadable or invalid. */
  metrics?: ReloadMetrics;
}

const SEGMENT = /^segment-(\d{10})\.jsonl$/;
const segmentName = (n: number) => `segment-${String(n).padStart(10, '0')}.jsonl`;
/** Alerts held in memory ahead of delivery; the rest are read from disk when their turn comes. */
const WINDOW = 512;
const READ_CHUNK = 1 << 20;
/** cursor.json is one record of this size, rewritten in place. */
const CURSOR_BYTES = 64;
/** Beside the segments: records that cannot be delivered (unreadable, or not an alert), with why. */
export const REJECTED_FILE = 'rejected.jsonl';

/**
 * The persisted queue of one sink: JSON lines appended to numbered segment files and fsync'd
 * before `append` resolves, and a cursor file (the first undelivered byte) rewritten after each
 * delivery. On open, everything after the cursor is queued again, in order, with the alerts as
 * they were (ids unchanged); a line cut short by a crash during its write (never acknowledged)
 * is dropped. A delivery whose cursor update was lost is simply delivered again (at least once).
 */
export class AlertSpool implements AlertStore {
  count = 0;
  bytes = 0;
  readonly persistent = true;
  readonly setAsidePath: string;
  readonly rejectedPath: string;
  private writer: FileHandle | undefined;
  private writeSegment = 1;
  private writeOffset = 0;
  /** Durable size of each live segment. */
  private readonly sizes = new Map<number, number>();
  private cursor: Position;
  private readPos: Position;
  private readonly window: Spooled[] = [];
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private cursorWrite: Promise<void> | undefined;
  private cursorFile: FileHandle | undefined;
  private cursorDirty = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    private readonly unlock: () => void,
    private readonly warn: (msg: string, fields?: Record<string, unknown>) => void,
    private readonly metrics: ReloadMetrics,
    cursor: Position,
  ) {
    this.setAsidePath = join(dir, 'failed.jsonl');
    this.rejectedPath = join(dir, REJECTED_FILE);
    this.cursor = cursor;
    this.readPos = { ...cursor };
  }

  static async open(dir: string, opts: SpoolOptions = {}): Promise<AlertSpool> {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      throw new FileWriteError(`cannot create the alert queue folder ${dir}: ${(cause as Error).message} (set alerts.queue.dir to a writable folder)`, {
        cause,
      });
    }
    const unlock = lockSpool(dir);
    try {
      const segments = (await readdir(dir))
        .map((f) => SEGMENT.exec(f))
        .filter((m) => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
      let cursor = await readCursor(join(dir, 'cursor.json'));
      const first = segments.find((s) => s >= (cursor?.segment ?? 0));
      if (cursor === undefined || first !== cursor.segment) cursor = { segment: first ?? (segments.at(-1) ?? 0) + 1, offset: 0 };
      const spool = new AlertSpool(dir, opts.segmentBytes ?? 8 << 20, unlock, opts.warn ?? (() => undefined), opts.metrics ?? noopReloadMetrics, cursor);
      await spool.recover(segments);
      return spool;
    } catch (err) {
      unlock();
      throw err;
    }
  }

  /** Counts what is queued after the cursor, trims a torn last line, opens the segment to append to. */
  private async recover(segments: readonly number[]): Promise<void> {
    for (const s of segments) {
      const path = join(this.dir, segmentName(s));
      if (s < this.cursor.segment) {
        await rm(path, { force: true });
        continue;
      }
      const data = await readFile(path);
      const complete = data.lastIndexOf(10) + 1;
      if (complete < data.length) {
        this.warn('alert queue: dropped a record cut short by a crash (it was never acknowledged, so its events are processed again)', {
          dir: this.dir,
          bytes: data.length - complete,
        });
        await truncate(path, complete);
      }
      this.sizes.set(s, complete);
      let offset = s === this.cursor.segment ? Math.min(this.cursor.offset, complete) : 0;
      while (offset < complete) {
        const nl = data.indexOf(10, offset);
        this.count++;
        this.bytes += nl + 1 - offset;
        offset = nl + 1;
      }
    }
    const last = segments.at(-1);
    this.writeSegment = last !== undefined && last >= this.cursor.segment ? last : this.cursor.segment;
    this.writeOffset = this.sizes.get(this.writeSegment) ?? 0;
    this.sizes.set(this.writeSegment, this.writeOffset);
    this.writer = await open(join(this.dir, segmentName(this.writeSegment)), 'a');
  }

  append(alerts: readonly Alert[], queuedAtMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError(`the alert queue ${this.dir} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ alerts, queuedAtMs, resolve, reject });
      // Group commit: appends made while a write is in flight share the next write and fsync.
      this.flushing ??= this.flushPending();
    });
  }

  private async flushPending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.write(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(cannotWrite('the alert queue', this.dir, err));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(batch: readonly PendingAppend[]): Promise<void> {
    if (this.writeOffset >= this.segmentBytes) await this.roll();
    const items: Spooled[] = [];
    const chunks: Buffer[] = [];
    let offset = this.writeOffset;
    for (const p of batch) {
      for (const alert of p.alerts) {
        const line = Buffer.from(spoolLine(alert, p.queuedAtMs));
        chunks.push(line);
        offset += line.length;
        items.push({ alert, queuedAtMs: p.queuedAtMs, bytes: line.length, segment: this.writeSegment, end: offset });
      }
    }
    const data = Buffer.concat(chunks);
    const writer = this.writer as FileHandle;
    for (let done = 0; done < data.length;) done += (await writer.write(data, done)).bytesWritten;
    await writer.datasync();
    const start = this.writeOffset;
    this.writeOffset = offset;
    this.sizes.set(this.writeSegment, offset);
    this.count += items.length;
    this.bytes += data.length;
    // Caught up with the disk: the new alerts join the window without being read back.
    if (this.readPos.segment === this.writeSegment && this.readPos.offset === start) {
      for (const item of items) {
        if (this.window.length >= WINDOW) break;
        this.window.push(item);
        this.readPos.offset = item.end;
      }
    }
  }

  private async roll(): Promise<void> {
    await this.writer?.close();
    this.writeSegment++;
    this.writeOffset = 0;
    this.sizes.set(this.writeSegment, 0);
    this.writer = await open(join(this.dir, segmentName(this.writeSegment)), 'a');
    // The new file's directory entry must survive a power cut too.
    const dir = await open(this.dir, 'r');
    await dir.sync().finally(() => dir.close());
  }

  async head(): Promise<QueuedAlert | undefined> {
    if (this.window.length === 0 && this.count > 0) await this.load();
    return this.window[0];
  }

  /**
   * Reads the next alerts after the window from disk. A record that is not a spooled alert (a
   * disk error, a hand edit) is set aside in rejected.jsonl: delivering it would fail on every
   * attempt and hold up every alert behind it.
   */
  private async load(): Promise<void> {
    while (this.window.length === 0) {
      const { segment } = this.readPos;
      const size = this.sizes.get(segment) ?? 0;
      if (this.readPos.offset >= size) {
        if (segment >= this.writeSegment) return;
        this.readPos = { segment: segment + 1, offset: 0 };
        continue;
      }
      const length = Math.min(READ_CHUNK, size - this.readPos.offset);
      const buffer = await this.read(segment, this.readPos.offset, length);
      let at = 0;
      /** Past records set aside with nothing before them left to deliver: the cursor may skip them. */
      let skipTo: Position | undefined;
      let rejected = 0;
      let rejectedBytes = 0;
      for (let nl = buffer.indexOf(10); nl >= 0 && this.window.length < WINDOW; nl = buffer.indexOf(10, at)) {
        const bytes = nl + 1 - at;
        const end = this.readPos.offset + nl + 1;
        const text = buffer.toString('utf8', at, nl);
        const record = parseSpoolRecord(text);
        if ('alert' in record) this.window.push({ alert: record.alert, queuedAtMs: record.queuedAt, bytes, segment, end });
        else {
          await this.reject(segment, this.readPos.offset + at, bytes, `${record.path}: ${record.message}`, text);
          rejected++;
          rejectedBytes += bytes;
          // The cursor passes it with the alert before it, or at once when there is none.
          const before = this.window.at(-1);
          if (before) before.end = end;
          else skipTo = { segment, offset: end };
        }
        at = nl + 1;
      }
      if (at === 0) {
        // One line longer than a read: set aside unread (an alert is a few KB; this is no alert).
        const end = await this.lineEnd(segment, this.readPos.offset + length, size);
        await this.reject(segment, this.readPos.offset, end - this.readPos.offset, `longer than ${READ_CHUNK} bytes`);
        rejected++;
        rejectedBytes += end - this.readPos.offset;
        skipTo = { segment, offset: end };
        at = end - this.readPos.offset;
      }
      this.readPos = { segment, offset: this.readPos.offset + at };
      if (skipTo && this.window.length === 0) await this.advanceCursor(skipTo);
      // Only now: a caller waiting for an empty queue (idle, close) must find the cursor saved.
      this.count -= rejected;
      this.bytes -= rejectedBytes;
    }
  }

  private async read(segment: number, offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const fh = await open(join(this.dir, segmentName(segment)), 'r');
    try {
      await fh.read(buffer, 0, length, offset);
    } finally {
      await fh.close();
    }
    return buffer;
  }

  /** The offset just after the line feed at or after `from` (segments end with one: see recover). */
  private async lineEnd(segment: number, from: number, size: number): Promise<number> {
    for (let offset = from; offset < size; offset += READ_CHUNK) {
      const chunk = await this.read(segment, offset, Math.min(READ_CHUNK, size - offset));
      const nl = chunk.indexOf(10);
      if (nl >= 0) return offset + nl + 1;
    }
    return size;
  }

  private async reject(segment: number, offset: number, bytes: number, reason: string, text?: string): Promise<void> {
    this.metrics.rejected(ReloadKind.Spool, 1);
    const file = segmentName(segment);
    this.warn('alert queue: set aside a record that is not a queued alert; the alerts after it go on', {
      dir: this.dir,
      segment: file,
      offset,
      reason,
      file: this.rejectedPath,
    });
    const entry = { rejectedAt: new Date().toISOString(), reason, segment: file, offset, bytes, ...(text !== undefined && { record: text }) };
    try {
      await appendFile(this.rejectedPath, `${JSON.stringify(entry)}\n`);
    } catch (err) {
      // Keeping a copy is a courtesy: the queue must not stop because the copy failed.
      this.warn('alert queue: cannot keep a copy of the record set aside', { file: this.rejectedPath, error: (err as Error).message });
    }
  }

  async remove(item: QueuedAlert): Promise<void> {
    if (this.window[0] !== item) return;
    const spooled = this.window.shift() as Spooled;
    this.count--;
    this.bytes -= spooled.bytes;
    await this.advanceCursor({ segment: spooled.segment, offset: spooled.end });
  }

  /** Everything before `to` is done with: delivered, set aside or rejected. */
  private async advanceCursor(to: Position): Promise<void> {
    const previous = this.cursor.segment;
    this.cursor = to;
    for (let s = previous; s < to.segment; s++) {
      this.sizes.delete(s);
      await rm(join(this.dir, segmentName(s)), { force: true });
    }
    await this.saveCursor();
  }

  /**
   * Overwrites cursor.json in place: one small write at offset 0 of a fixed-size record, no
   * rename and no fsync (a cursor lost in a crash only means alerts delivered again).
   */
  private async saveCursor(): Promise<void> {
    this.cursorDirty = true;
    while (this.cursorWrite) await this.cursorWrite;
    if (!this.cursorDirty) return;
    this.cursorDirty = false;
    const record = Buffer.from(JSON.stringify(this.cursor).padEnd(CURSOR_BYTES - 1, ' ') + '\n');
    this.cursorWrite = (async () => {
      const path = join(this.dir, 'cursor.json');
      this.cursorFile ??= await open(path, 'r+').catch(() => open(path, 'w'));
      await this.cursorFile.write(record, 0, record.length, 0);
    })().finally(() => (this.cursorWrite = undefined));
    await this.cursorWrite;
  }

  async setAside(item: QueuedAlert, reason: string): Promise<void> {
    await appendFile(this.setAsidePath, `${JSON.stringify({ failedAt: new Date().toISOString(), reason, alert: item.alert })}\n`);
  }

  oldestQueuedAtMs(): number | undefined {
    return this.window[0]?.queuedAtMs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flushing;
      await this.cursorWrite;
      await this.cursorFile?.close();
      await this.writer?.close();
    } finally {
      this.unlock();
    }
  }
}

async function readCursor(path: string): Promise<Position | undefined> {
  try {
    const c = JSON.parse(await readFile(path, 'utf8')) as Partial<Position>;
    return Number.isInteger(c.segment) && Number.isInteger(c.offset) ? { segment: c.segment as number, offset: c.offset as number } : undefined;
  } catch {
    return undefined;
  }
}
