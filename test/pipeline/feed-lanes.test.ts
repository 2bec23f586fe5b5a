import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config-schema.js';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import { DeclaredBaselines } from '../../src/core/baselines/declared-baselines.js';
import { DetectionLane } from '../../src/pipeline/detection-lane.js';
import { feedLanes, laneDecodeSettings } from '../../src/pipeline/feed-lanes.js';
import { replay } from '../../src/pipeline/replay.js';
import { JsonlFileWriter } from '../../src/sinks/jsonl-file-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'aw-feed-lanes-'));
const event = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `e${i}`, time: `2026-03-02T09:00:${String(i).padStart(2, '0')}Z`, agentId: 'a', category: 'api_call', action: 'x', ...extra });
const withLimit = (maxEventBytes: number): Config => {
  const c = structuredClone(loadConfig(undefined, {}).config);
  c.input.maxEventBytes = maxEventBytes;
  return parseConfig(c);
};
const rejectsOf = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('feedLanes: one read and one decode, each lane judged by its own input.maxEventBytes', () => {
  it('a multi-byte line between a lane’s limit in characters and in bytes is too_large for that lane only, as its own replay says', async () => {
    // 'é': one UTF-16 unit, two UTF-8 bytes. The line is under 3,000 characters and over 3,000 bytes.
    const wide = event(2, { pad: 'é'.repeat(2000) });
    expect(wide.length).toBeLessThan(3000);
    expect(Buffer.byteLength(wide)).toBeGreaterThan(3000);
    const file = join(dir, 'wide.jsonl');
    writeFileSync(file, `${event(1)}\n${wide}\n\n${event(3)}\n`);

    const configs = [withLimit(65_536), withLimit(3000)];
    const writers = configs.map((_, i) => new JsonlFileWriter(join(dir, `lane-${i}.rejects.jsonl`), true));
    const lanes = configs.map(
      (config, i) => new DetectionLane({ config, baselines: DeclaredBaselines.empty(), sinks: [], rejects: writers[i] as JsonlFileWriter }),
    );
    const decode = laneDecodeSettings(configs);
    expect(decode.maxEventBytes).toBe(65_536);
    const read = await feedLanes({ files: [file], decode, lanes });
    expect(read).toEqual({ lines: 4, blankLines: 1 });
    expect(lanes.map((l) => [l.accepted, l.rejected])).toEqual([
      [3, {}],
      [2, { too_large: 1 }],
    ]);

    // The small lane's reject is the one `replay` with that limit writes.
    const alone = new JsonlFileWriter(join(dir, 'alone.rejects.jsonl'), true);
    const { summary } = await replay({ files: [file], config: configs[1] as Config, baselines: DeclaredBaselines.empty(), sinks: [], rejects: alone });
    await Promise.all([alone, ...writers].map((w) => w.close()));
    expect(summary.accepted).toBe(2);
    const laneRejects = rejectsOf(join(dir, 'lane-1.rejects.jsonl'));
    expect(laneRejects).toEqual(rejectsOf(join(dir, 'alone.rejects.jsonl')));
    expect(laneRejects).toMatchObject([
      { file, line: 2, reason: 'too_large', error: `event is ${Buffer.byteLength(wide)} bytes, over the 3000 limit (input.maxEventBytes)` },
    ]);
  });

  it('refuses lanes that would read the files differently', () => {
    const c = structuredClone(loadConfig(undefined, {}).config);
    c.input.maxDocumentBytes = 4096;
    expect(() => laneDecodeSettings([withLimit(65_536), parseConfig(c)])).toThrow(/read the files differently/);
  });
});
