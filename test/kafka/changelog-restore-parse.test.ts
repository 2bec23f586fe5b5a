import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/kafka/changelog-restore.js';
import { T0, engineWith, run, traffic } from '../helpers/traffic.js';

/** The check each changelog record passes during restore (the broker-backed path is in test/integration). */
describe('changelog records read back (issue 13)', () => {
  const engine = engineWith();
  run(
    engine,
    traffic('a1', T0, T0 + 3_600_000, () => 3),
  );
  const good = engine.snapshot().agents[0];
  const record = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('takes a valid snapshot of its key’s agent', () => {
    expect(parseSnapshot('a1', record(good))).toEqual(good);
  });

  it('refuses what is not one, without throwing: corrupt, foreign, mistyped, another agent’s, another version', () => {
    expect(parseSnapshot('a1', Buffer.from('{"v":1,'))).toBeUndefined();
    expect(parseSnapshot('a1', record({}))).toBeUndefined();
    expect(parseSnapshot('a1', record(null))).toBeUndefined();
    expect(parseSnapshot('a1', record({ ...good, bucket: { ...good?.bucket, evidence: 'x' } }))).toBeUndefined();
    expect(parseSnapshot('a1', record({ ...good, sketch: undefined }))).toBeUndefined();
    expect(parseSnapshot('a2', record(good))).toBeUndefined();
    expect(parseSnapshot('a1', record({ ...good, v: 2 }))).toBeUndefined();
  });
});
