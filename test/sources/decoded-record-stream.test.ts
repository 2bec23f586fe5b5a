import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../src/core/errors.js';
import { formatByName } from '../../src/formats/format-registry.js';
import { SkippedRecord } from '../../src/formats/log-format.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/events/decode-audit-event.js';
import type { DecodedRecord } from '../../src/formats/decode-records.js';
import type { LogFormat } from '../../src/formats/log-format.js';
import { openDecodedRecords } from '../../src/sources/decoded-record-stream.js';
import { sniffInput } from '../../src/sources/sniff-input.js';

const dir = mkdtempSync(join(tmpdir(), 'aw-formats-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const record = (i: number, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.08',
  eventTime: `2026-03-02T09:00:0${i}Z`,
  eventSource: 'sts.amazonaws.com',
  eventName: 'GetCallerIdentity',
  eventID: `c${i}`,
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/u' },
  ...extra,
});
const native = (i: number) => JSON.stringify({ id: `n${i}`, time: `2026-03-02T09:00:0${i}Z`, agentId: 'a', category: 'api_call', action: 'x' });
const k8s = (id: string, stage = 'ResponseComplete') =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: id,
    stage,
    verb: 'get',
    user: { username: 'system:serviceaccount:a:b' },
    requestReceivedTimestamp: '2026-03-02T09:00:00Z',
  });

interface DecodedItem {
  line: number;
  record: number | undefined;
  out: DecodedRecord;
  raw: string | undefined;
}

/** Every record of a file, copied out of the batches (the stream refills one batch). */
async function read(path: string, maxDocumentBytes = 1 << 26, maxEventBytes = DEFAULT_MAX_EVENT_BYTES, format?: LogFormat): Promise<DecodedItem[]> {
  const all: DecodedItem[] = [];
  const input = openDecodedRecords(path, { ...(format && { format }), maxDocumentBytes, maxEventBytes });
  for await (const batch of input.batches) {
    expect(batch.lines).toHaveLength(batch.records.length);
    for (const [i, out] of batch.records.entries()) {
      const record = batch.recordNos[i] as number;
      all.push({ line: batch.lines[i] as number, record: record === 0 ? undefined : record, out, raw: batch.raws[i] });
    }
  }
  return all;
}
const items = (path: string, format?: string) => read(path, 1 << 26, DEFAULT_MAX_EVENT_BYTES, format === undefined ? undefined : formatByName(format));
const summary = (list: DecodedItem[]) =>
  list.map((i) => [i.line, i.record, i.out instanceof InvalidEventError ? i.out.reason : i.out instanceof SkippedRecord ? 'skip' : i.out.id]);

describe('sniffing a file: layout and format from its first records', () => {
  it('native JSON Lines keep the native fast path, whatever follows', () => {
    expect(sniffInput(file('native.jsonl', `${native(1)}\n${native(2)}\n`))).toEqual({ layout: 'lines', native: true });
    // Nothing recognised (CSV, garbage): native, so the lines are rejected as before.
    expect(sniffInput(file('rows.csv', 'a,b,c\n1,2,3\n'))).toEqual({ layout: 'lines', native: true });
  });

  it('pretty-printed and gzip documents, arrays, one-line envelopes, foreign lines', () => {
    const doc = JSON.stringify({ Records: [record(1), record(2)] }, null, 2);
    expect(sniffInput(file('ct.json', doc))).toMatchObject({ layout: 'document', native: false, sniffed: { name: 'cloudtrail' } });
    expect(sniffInput(file('ct.json.gz', gzipSync(doc)))).toMatchObject({ layout: 'document', native: false, sniffed: { name: 'cloudtrail' } });
    expect(sniffInput(file('ct-one-line.json', JSON.stringify({ Records: [record(1)] })))).toMatchObject({
      layout: 'lines',
      native: false,
      sniffed: { name: 'cloudtrail' },
    });
    expect(sniffInput(file('array.json', `[${native(1)},${native(2)}]`))).toEqual({ layout: 'document', native: false });
    expect(sniffInput(file('audit.log', `${k8s('k1')}\n${k8s('k2')}\n`))).toMatchObject({ layout: 'lines', native: false, sniffed: { name: 'k8s-audit' } });
  });

  it('--format overrides the format, not the layout', () => {
    const path = file('forced.jsonl', `${native(1)}\n`);
    expect(sniffInput(path, formatByName('cloudtrail'))).toMatchObject({ layout: 'lines', native: false, format: { name: 'cloudtrail' } });
    expect(sniffInput(path, formatByName('native'))).toMatchObject({ layout: 'lines', native: true });
  });
});

describe('reading a file in another format', () => {
  it('a document: every record with its position; bad ones rejected in place', async () => {
    const doc = JSON.stringify({ Records: [record(1), { ...record(2), eventTime: 'never' }, record(3)] }, null, 2);
    expect(summary(await items(file('doc.json.gz', gzipSync(doc))))).toEqual([
      [1, 1, 'c1'],
      [1, 2, 'bad_time'],
      [1, 3, 'c3'],
    ]);
  });

  it('JSON Lines: line numbers, record positions for envelopes, skipped stages, not-JSON lines', async () => {
    const text = [k8s('k1'), JSON.stringify({ Records: [record(1), record(2)] }), '', k8s('k2', 'RequestReceived'), '{"broken', native(1)].join('\n');
    expect(summary(await items(file('mixed.jsonl', `${text}\n`)))).toEqual([
      [1, undefined, 'k1'],
      [2, 1, 'c1'],
      [2, 2, 'c2'],
      [4, undefined, 'skip'],
      [5, undefined, 'not_json'],
      [6, undefined, 'n1'],
    ]);
  });

  it('a "document" that is not one JSON value is read again line by line', async () => {
    const text = `{\n${JSON.stringify(record(1))}\n`;
    expect(summary(await items(file('broken.json', text)))).toEqual([
      [1, undefined, 'not_json'],
      [2, undefined, 'c1'],
    ]);
  });
});

describe('sniffing large files', () => {
  it('a multi-megabyte gzip delivery file is sniffed from its head and read whole', async () => {
    const records = Array.from({ length: 6000 }, (_, i) => record(i % 10, { eventID: `big-${i}`, requestParameters: { padding: 'x'.repeat(400) } }));
    const path = file('big.json.gz', gzipSync(JSON.stringify({ Records: records }, null, 1)));
    expect(sniffInput(path)).toMatchObject({ layout: 'document', native: false });
    const all = await items(path);
    expect(all).toHaveLength(6000);
    expect(all.every((i) => !(i.out instanceof InvalidEventError))).toBe(true);
  });

  it('a one-line delivery file longer than the head is read as lines, each recognised on its own', async () => {
    const records = Array.from({ length: 4000 }, (_, i) => record(i % 10, { eventID: `long-${i}`, requestParameters: { padding: 'x'.repeat(400) } }));
    const path = file('long.json', JSON.stringify({ Records: records }));
    expect(sniffInput(path)).toEqual({ layout: 'lines', native: false });
    expect(await items(path)).toHaveLength(4000);
  });
});

describe('limits', () => {
  it('a document over input.maxDocumentBytes is one too_large reject, not a crash', async () => {
    const path = file('over.json', JSON.stringify({ Records: [record(1), record(2)] }, null, 2));
    const all = await read(path, 100);
    expect(summary(all)).toEqual([[1, undefined, 'too_large']]);
  });
});

describe('byte limits on every path (issue 13)', () => {
  const nativeLine = (i: number, pad: number) =>
    JSON.stringify({ id: `n${i}`, time: '2026-03-02T09:00:00Z', agentId: 'a', category: 'api_call', action: 'x', pad: 'p'.repeat(pad) });

  it('native lines after a first line longer than the sniffing head keep input.maxEventBytes', async () => {
    // The first line is over the 1 MB head: the file is read record by record, not natively.
    const path = file('long-first.jsonl', [nativeLine(1, 1_100_000), nativeLine(2, 10), nativeLine(3, 70_000)].join('\n'));
    expect(sniffInput(path)).toEqual({ layout: 'lines', native: false });
    expect(summary(await read(path, 1 << 26))).toEqual([
      [1, undefined, 'too_large'],
      [2, undefined, 'n2'],
      [3, undefined, 'too_large'],
    ]);
    expect(summary(await read(path, 1 << 26, 2_000_000))).toEqual([
      [1, undefined, 'n1'],
      [2, undefined, 'n2'],
      [3, undefined, 'n3'],
    ]);
  });

  it('a line over input.maxDocumentBytes is skipped unread, with its line number', async () => {
    const path = file('long-foreign.jsonl', `${k8s('k1')}\n${'{'.repeat(5000)}\n${k8s('k2')}\n`);
    const all = await read(path, 2048);
    expect(summary(all)).toEqual([
      [1, undefined, 'k1'],
      [2, undefined, 'too_large'],
      [3, undefined, 'k2'],
    ]);
    expect((all[1]?.out as InvalidEventError).message).toBe('line is 5000 bytes, over the 2048 limit (input.maxDocumentBytes); skipped unread');
    expect(all[1]?.raw).toBeUndefined();
  });

  it('counts a line in bytes: multi-byte text over the limit is too_large', async () => {
    const path = file('utf8-foreign.jsonl', `${k8s('k1')}\n${JSON.stringify({ kind: 'Event', pad: 'é'.repeat(1500) })}\n`);
    expect(summary(await read(path, 2048))).toEqual([
      [1, undefined, 'k1'],
      [2, undefined, 'too_large'],
    ]);
  });

  it('native records of a whole document are measured one by one', async () => {
    const events = [JSON.parse(nativeLine(1, 10)), JSON.parse(nativeLine(2, 70_000)), JSON.parse(nativeLine(3, 10))] as unknown[];
    const path = file('native-array.json', JSON.stringify(events, null, 1));
    expect(summary(await read(path, 1 << 26))).toEqual([
      [1, 1, 'n1'],
      [1, 2, 'too_large'],
      [1, 3, 'n3'],
    ]);
  });
});

describe('the native path: events, rejects and blank lines with their positions', () => {
  it('decodes line by line: events and rejects in input order, blank lines counted, not yielded', async () => {
    const bad = JSON.stringify({ id: 'x', time: '2026-03-02T09:00:00Z', agentId: 'a' });
    const path = file('native-mixed.jsonl', [native(1), '', '{"broken', '  ', bad, native(2)].join('\n') + '\n');
    const input = openDecodedRecords(path, { maxDocumentBytes: 1 << 26, maxEventBytes: DEFAULT_MAX_EVENT_BYTES });
    expect(input.plan.native).toBe(true);
    expect(input.formatName).toBe('native');
    let lineCount = 0;
    let blankLines = 0;
    const all: DecodedItem[] = [];
    for await (const batch of input.batches) {
      expect(batch.native).toBe(true);
      lineCount += batch.lineCount;
      blankLines += batch.blankLines;
      for (const [i, out] of batch.records.entries()) all.push({ line: batch.lines[i] as number, record: batch.recordNos[i], out, raw: batch.raws[i] });
    }
    expect(summary(all)).toEqual([
      [1, 0, 'n1'],
      [3, 0, 'not_json'],
      [5, 0, 'schema'],
      [6, 0, 'n2'],
    ]);
    // Every record keeps its line for the rejects file.
    expect(all.map((i) => i.raw)).toEqual([native(1), '{"broken', bad, native(2)]);
    expect({ lineCount, blankLines }).toEqual({ lineCount: 6, blankLines: 2 });
  });

  it('reads gzip by its magic bytes, whatever the name, with the same records', async () => {
    const text = `${native(1)}\n{"broken\n${native(2)}\n`;
    const plain = await read(file('plain.jsonl', text));
    const gz = await read(file('packed.log', gzipSync(text)));
    expect(summary(gz)).toEqual([
      [1, undefined, 'n1'],
      [2, undefined, 'not_json'],
      [3, undefined, 'n2'],
    ]);
    expect(summary(gz)).toEqual(summary(plain));
  });

  it('an unreadable file fails when it is opened, before any batch is asked for', () => {
    expect(() => openDecodedRecords(join(dir, 'missing.jsonl'), { maxDocumentBytes: 1 << 26, maxEventBytes: 1024 })).toThrow(/missing\.jsonl/);
  });
});

describe('input.maxEventBytes counts UTF-8 bytes on the native path', () => {
  // 'é' is one UTF-16 unit and two UTF-8 bytes: a line under the limit in characters can be over it in bytes.
  const line = (padChars: number) =>
    JSON.stringify({ id: 'u', time: '2026-03-02T09:00:00Z', agentId: 'a', category: 'api_call', action: 'x', pad: 'é'.repeat(padChars) });
  const bytes = (text: string) => Buffer.byteLength(text);

  it('a multi-byte line exactly at the limit is an event; one byte over is too_large', async () => {
    const text = line(3000);
    const limit = bytes(text);
    expect(text.length).toBeLessThan(limit - 2000);
    const path = file('utf8-native.jsonl', `${text}\n`);
    expect(summary(await read(path, 1 << 26, limit))).toEqual([[1, undefined, 'u']]);
    const over = await read(path, 1 << 26, limit - 1);
    expect(summary(over)).toEqual([[1, undefined, 'too_large']]);
    expect((over[0]?.out as InvalidEventError).message).toBe(`event is ${limit} bytes, over the ${limit - 1} limit (input.maxEventBytes)`);
    // Under the limit in characters all the same: bytes decide.
    expect(text.length).toBeLessThan(limit - 1);
  });

  it('a line over the limit in characters is not held: rejected unread, with its line number', async () => {
    const long = line(6000);
    const path = file('utf8-native-long.jsonl', `${native(1)}\n${long}\n${native(2)}\n`);
    const all = await read(path, 1 << 26, 4096);
    expect(summary(all)).toEqual([
      [1, undefined, 'n1'],
      [2, undefined, 'too_large'],
      [3, undefined, 'n2'],
    ]);
    expect((all[1]?.out as InvalidEventError).message).toBe(`line is ${bytes(long)} bytes, over the 4096 limit (input.maxEventBytes); skipped unread`);
  });
});
