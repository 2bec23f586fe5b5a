import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { formatByName } from '../../../src/formats/format-registry.js';
import { openDecodedRecords } from '../../../src/sources/decoded-record-stream.js';
import { decodeKafkaMessage } from '../../../src/sources/kafka/decode-message.js';

const message = (text: string): KafkaMessage =>
  ({ key: null, value: Buffer.from(text, 'utf8'), offset: '0', timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
// 'é' is one UTF-16 unit and two UTF-8 bytes: under a limit in characters, over it in bytes.
const event = (id: string, padChars: number) =>
  JSON.stringify({ id, time: '2026-03-02T09:00:00Z', agentId: 'a', category: 'api_call', action: 'x', pad: 'é'.repeat(padChars) });
const bytes = (text: string) => Buffer.byteLength(text);
const dir = mkdtempSync(join(tmpdir(), 'aw-decode-message-'));

/** The verdict on a text: its event ids, or the reject reason. */
function verdictOfMessage(text: string, maxEventBytes: number, maxDocumentBytes = 1 << 20, format?: string): string {
  try {
    return decodeKafkaMessage(message(text), { maxEventBytes, maxDocumentBytes }, format === undefined ? undefined : formatByName(format))
      .events.map((e) => e.id)
      .join(',');
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    return err.reason;
  }
}

async function verdictOfLine(text: string, maxEventBytes: number): Promise<string> {
  const path = join(dir, `line-${maxEventBytes}.jsonl`);
  writeFileSync(path, `${text}\n`);
  const out: string[] = [];
  for await (const batch of openDecodedRecords(path, { maxEventBytes, maxDocumentBytes: 1 << 20 }).batches) {
    for (const r of batch.records) out.push(r instanceof InvalidEventError ? r.reason : 'reason' in r ? 'skip' : r.id);
  }
  return out.join(',');
}

describe('decodeKafkaMessage: the size rule of the files, in bytes', () => {
  it('a multi-byte native event: accepted at the limit, too_large one byte under it, as a replayed line is', async () => {
    const text = event('m1', 3000);
    const size = bytes(text);
    expect(text.length).toBeLessThan(size - 1);
    expect(verdictOfMessage(text, size)).toBe('m1');
    expect(verdictOfMessage(text, size - 1)).toBe('too_large');
    expect(await verdictOfLine(text, size)).toBe('m1');
    expect(await verdictOfLine(text, size - 1)).toBe('too_large');
  });

  it('names the limit a user can raise', () => {
    const text = event('m2', 3000);
    const size = bytes(text);
    expect(() => decodeKafkaMessage(message(text), { maxEventBytes: 4096, maxDocumentBytes: 1 << 20 }, formatByName('native'))).toThrow(
      `message is ${size} bytes, over the 4096 limit (input.maxEventBytes)`,
    );
    // A foreign message is held to the larger input.maxDocumentBytes.
    const envelope = JSON.stringify({ records: [] }) + ' '.repeat(3000);
    expect(() => decodeKafkaMessage(message(envelope), { maxEventBytes: 1024, maxDocumentBytes: 2048 })).toThrow(
      `message is ${bytes(envelope)} bytes, over the 2048 limit (input.maxDocumentBytes)`,
    );
  });

  it('an envelope larger than one event is read up to input.maxDocumentBytes; its native records still keep input.maxEventBytes', () => {
    const small = JSON.parse(event('n1', 10)) as unknown;
    const large = JSON.parse(event('n2', 3000)) as unknown;
    const text = JSON.stringify([small, large, small]);
    const decoded = decodeKafkaMessage(message(text), { maxEventBytes: 4096, maxDocumentBytes: 1 << 20 });
    expect(decoded.events.map((e) => e.id)).toEqual(['n1', 'n1']);
    expect(decoded.error?.reason).toBe('too_large');
    expect(verdictOfMessage(text, 4096, 2048)).toBe('too_large');
  });
});
