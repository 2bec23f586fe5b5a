import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidSnapshotError } from '../../src/core/errors.js';
import { buildStateEnvelope, type StateEnvelope } from '../../src/state/state-envelope.js';
import { MAX_STATE_BYTES, readStateFile, writeStateFile } from '../../src/state/state-file.js';
import { HOUR, T0, engineWith, run, traffic } from '../helpers/traffic.js';

const dir = mkdtempSync(join(tmpdir(), 'aw-state-'));

function state(): StateEnvelope {
  const engine = engineWith();
  run(
    engine,
    [...traffic('a1', T0, T0 + 6 * HOUR, () => 2), ...traffic('a2', T0, T0 + 6 * HOUR, () => 1, 2)].sort((x, y) => x.timeMs - y.timeMs),
  );
  return JSON.parse(
    JSON.stringify(
      buildStateEnvelope(engine.snapshot(), {
        agentwatchVersion: '0.1.0',
        createdAt: '2026-03-03T00:00:00Z',
        createdFrom: ['a.jsonl'],
        configFingerprint: 'sha256:0',
      }),
    ),
  ) as StateEnvelope;
}

/** The error readStateFile throws for `file`, or a failure when it reads it. */
function refusal(file: string, opts?: { maxBytes?: number }): InvalidSnapshotError {
  try {
    readStateFile(file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidSnapshotError);
    expect((err as InvalidSnapshotError).code).toBe('AW_INVALID_SNAPSHOT');
    expect((err as Error).message).not.toContain('\n');
    return err as InvalidSnapshotError;
  }
  throw new Error(`${file} was read`);
}

function spoiled(name: string, spoil: (s: Record<string, unknown>) => void): string {
  const s = state() as unknown as Record<string, unknown>;
  spoil(s);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

const agent = (s: Record<string, unknown>, i: number) => (s['engine'] as { agents: Record<string, unknown>[] }).agents[i] as Record<string, unknown>;

describe('state files read back (issue 13)', () => {
  it('reads what it wrote, compressed or not', () => {
    const s = state();
    for (const name of ['s.json', 's.json.gz']) {
      writeStateFile(join(dir, name), s);
      expect(readStateFile(join(dir, name))).toEqual(s);
    }
  });

  it('a missing field: one line naming the file, the agent and the path', () => {
    const file = spoiled('missing.json', (s) => delete (agent(s, 1)['bucket'] as Record<string, unknown>)['count']);
    expect(refusal(file).message).toBe(
      `${file}: invalid snapshot of agent "a2" at /engine/agents/1/bucket/count: missing (a damaged or edited file: save the state again, or start without it)`,
    );
  });

  it('a mistyped field is refused, not taken silently', () => {
    const file = spoiled('mistyped.json', (s) => (agent(s, 0)['lastSeenMs'] = '2026-03-02'));
    expect(refusal(file).message).toContain(': invalid snapshot of agent "a1" at /engine/agents/0/lastSeenMs: must be number, got string');
    const sketch = spoiled('sketch.json', (s) => (agent(s, 0)['sketch'] = { offset: 0, bins: 'x', count: 1, weight: 1 }));
    expect(refusal(sketch).message).toContain('at /engine/agents/0/sketch/bins: must be array, got string');
  });

  it('an agent that is not an object, and a mistyped header', () => {
    const notObject = spoiled('null-agent.json', (s) => ((s['engine'] as { agents: unknown[] }).agents[1] = null));
    expect(refusal(notObject).message).toContain(': invalid snapshot at /engine/agents/1: must be object, got null');
    const header = spoiled('header.json', (s) => (s['createdAt'] = 5));
    expect(refusal(header).message).toContain(': invalid state file at /createdAt: must be string, got number');
    const sweep = spoiled('sweep.json', (s) => ((s['engine'] as Record<string, unknown>)['sweepAtMs'] = 'soon'));
    expect(refusal(sweep).message).toContain('at /engine/sweepAtMs: must be number or null, got string');
  });

  it('corrupt gzip and what is not JSON', () => {
    const whole = gzipSync(JSON.stringify(state()));
    const cut = join(dir, 'cut.json.gz');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    expect(refusal(cut).message).toMatch(/cut\.json\.gz is not an agentwatch state file: corrupt gzip data/);
    const text = join(dir, 'text.json');
    writeFileSync(text, '{"format":');
    expect(refusal(text).message).toContain('not a JSON document');
  });

  it('a gzip bomb stops at the limit, named, without inflating the rest', () => {
    expect(MAX_STATE_BYTES).toBeGreaterThanOrEqual(512 * 1024 * 1024 - 64);
    const bomb = join(dir, 'bomb.json.gz');
    // 64 MB of spaces after a valid start, in about 64 KB of gzip, cut short: a reader that went
    // on inflating past the limit would reach the cut and call the file corrupt instead. (What
    // refusing costs against inflating it all is measured by `npm run bench`.)
    const whole = gzipSync(Buffer.concat([Buffer.from('{"format":"agentwatch-state"'), Buffer.alloc(64 << 20, 32), Buffer.from('}')]), { level: 9 });
    writeFileSync(bomb, whole.subarray(0, whole.length >> 1));
    expect(refusal(bomb, { maxBytes: 1 << 20 }).message).toBe(
      `${bomb} holds more than 1048576 bytes once decompressed, the most a state file can hold: not an agentwatch state file (a gzip bomb?), or one that cannot be read`,
    );
    expect(refusal(bomb, { maxBytes: 48 << 20 }).message).toMatch(
      /bomb\.json\.gz is not an agentwatch state file: corrupt gzip data \(unexpected end of file\)/,
    );
    const plain = join(dir, 'big.json');
    writeFileSync(plain, Buffer.alloc(2 << 20, 32));
    expect(refusal(plain, { maxBytes: 1 << 20 }).message).toContain('holds more than 1048576 bytes');
  });
});
