import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../../src/core/baselines/agent-baseline-snapshot.js';
import { AgentSnapshotSchema, agentSnapshotProblem, checkAgentSnapshot, isAgentSnapshot } from '../../../src/core/baselines/agent-snapshot-schema.js';
import { InvalidSnapshotError } from '../../../src/core/errors.js';
import { richSnapshots } from '../../helpers/rich-snapshots.js';
import { MINUTE, engineWith, event, prng, run, traffic } from '../../helpers/traffic.js';

/** Snapshots with every optional part: places, sessions, permissions, sensitive resources, open incidents, errors. */

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the agent snapshot schema (issue 13)', () => {
  const snapshots = richSnapshots();
  const steady = snapshots.find((s) => s.agentId === 'steady') as AgentSnapshot;

  it('accepts every snapshot the engine writes, optional parts included', () => {
    expect(steady.locations?.sessions?.length).toBeGreaterThan(0);
    expect(steady.permissions?.length).toBeGreaterThan(0);
    expect(steady.sensitive?.length).toBeGreaterThan(0);
    expect(steady.incidents.some(([, i]) => i.last !== undefined)).toBe(true);
    expect(steady.errors).toBeDefined();
    expect(steady.grace?.action).toBe('ecs:UpdateService');
    const quiet = snapshots.find((s) => s.agentId === 'quiet');
    expect(quiet?.toolTargets?.targets.map(([k]) => k)).toEqual(['pay_invoice acme']);
    expect(quiet?.toolTransitions?.open).toEqual([
      ['tr-1', 'pay_invoice'],
      ['tr-2', 'read_inbox'],
    ]);
    for (const s of snapshots) expect(agentSnapshotProblem(s)).toBeUndefined();
    expect(agentSnapshotProblem({ ...steady, position: 17 })).toBeUndefined();
  });

  it.each([
    ['a missing field', (s: Record<string, unknown>) => delete (s['bucket'] as Record<string, unknown>)['count'], '/bucket/count', 'missing'],
    ['a mistyped field', (s: Record<string, unknown>) => ((s['hour'] as Record<string, unknown>)['idle'] = 'no'), '/hour/idle', 'must be boolean, got string'],
    ['a number as a string', (s: Record<string, unknown>) => (s['eventCount'] = '12'), '/eventCount', 'must be number, got string'],
    ['a negative position', (s: Record<string, unknown>) => (s['position'] = -3), '/position', 'must be >= 0'],
    [
      'a week of the wrong length',
      (s: Record<string, unknown>) => (s['profile'] as { weekly: unknown[] }).weekly.push(1),
      '/profile/weekly',
      'must NOT have more than 168 items',
    ],
    [
      'Infinity (1e999 in the JSON)',
      (s: Record<string, unknown>) => (s['tailMultiplier'] = Number.POSITIVE_INFINITY),
      '/tailMultiplier',
      'must be number, got a non-finite number',
    ],
    [
      'an unknown basis',
      (s: Record<string, unknown>) => ((s['bucket'] as Record<string, unknown>)['basis'] = 'guess'),
      '/bucket/basis',
      'must be one of "learned", "class"',
    ],
    [
      'an incident whose last alert has no id',
      (s: Record<string, unknown>) => delete ((s['incidents'] as [string, { last: Record<string, unknown> }][]).find(([, i]) => i.last)?.[1].last ?? {})['id'],
      /^\/incidents\/\d+\/1\/last\/id$/,
      'missing',
    ],
    [
      'a held grace count as a string',
      (s: Record<string, unknown>) => ((s['grace'] as { held: unknown[] }).held = [['rate_spike', '2', 0]]),
      '/grace/held/0/1',
      'must be number, got string',
    ],
    ['another version', (s: Record<string, unknown>) => (s['v'] = 2), '/v', 'unsupported version 2 (this agentwatch reads 1)'],
  ])('names the path and the reason of %s', (_, spoil, path, message) => {
    const s = clone(steady) as unknown as Record<string, unknown>;
    spoil(s);
    const problem = agentSnapshotProblem(s);
    expect(problem?.path).toMatch(path);
    expect(problem?.message).toBe(message);
    expect(isAgentSnapshot(s)).toBe(false);
  });

  it('rejects what is not an object at all', () => {
    for (const v of [null, 42, 'x', [], {}]) expect(isAgentSnapshot(v)).toBe(false);
    expect(agentSnapshotProblem({})).toEqual({ path: '/v', message: 'missing' });
  });

  it('throws one InvalidSnapshotError naming the source, the agent (escaped) and the field', () => {
    const s = clone(steady) as unknown as Record<string, unknown>;
    s['agentId'] = 'bot\u001b]0;x\u0007';
    s['lastSeenMs'] = null;
    let error: unknown;
    try {
      checkAgentSnapshot(s, 'changelog record');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidSnapshotError);
    expect((error as InvalidSnapshotError).code).toBe('AW_INVALID_SNAPSHOT');
    expect((error as Error).message).toBe('changelog record: invalid snapshot of agent "bot\\\\x1b]0;x\\\\x07" at /lastSeenMs: must be number, got null');
    expect(checkAgentSnapshot(clone(steady), 'x')).toEqual(steady);
  });

  it('does not change the snapshot it checks', () => {
    const s = clone(steady);
    agentSnapshotProblem(s);
    expect(s).toEqual(steady);
  });

  it('whatever one field is changed to, a snapshot is either refused or restored and run without a throw', () => {
    const rand = prng(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const values: unknown[] = [null, 'x', '', -1, 0, 1e300, -1e300, 0.5, 2 ** 31, [], [1], ['x'], {}, true, undefined];
    /** Every path to a value in the snapshot. */
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
      v !== null && typeof v === 'object' ? [at, ...Object.entries(v).flatMap(([k, c]) => paths(c, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
    const all = paths(steady).filter((p) => p.length > 0);
    let restored = 0;
    for (let i = 0; i < 3000; i++) {
      const s = clone(steady) as unknown as Record<string | number, unknown>;
      const path = pick(all);
      let parent = s;
      for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      const value = pick(values);
      if (value === undefined) delete parent[path.at(-1) as string | number];
      else parent[path.at(-1) as string | number] = value;
      if (!isAgentSnapshot(s)) continue;
      restored++;
      const engine = engineWith({}, { sensitive: [{ pattern: 'vault/*', label: 'secrets' }] });
      const at = (s as unknown as AgentSnapshot).lastSeenMs;
      expect(
        () => {
          engine.restore({ v: 1, sweepAtMs: null, agents: [s as unknown as AgentSnapshot] });
          run(engine, [
            ...traffic('steady', at + MINUTE, at + 90 * MINUTE, () => 3, i, {
              source: { ip: '10.0.0.1', region: 'eu-west-1', country: 'IE', session: 's-1', sessionBound: true },
            }),
            event('steady', at + 91 * MINUTE, { category: 'resource_access', resource: 'vault/x', outcome: 'denied' }),
          ]);
          engine.snapshot();
        },
        `${path.join('/')} = ${JSON.stringify(value)}`,
      ).not.toThrow();
    }
    // Enough of the changes are valid ones (numbers for numbers…) for the check to mean something.
    expect(restored).toBeGreaterThan(300);
  });

  it('stays cheap: every nullable number is one type check, not a union (a restore of a million agents pays the check)', () => {
    // A union with `null` (ajv's anyOf) builds an error object for every null of the week's
    // profile before trying the next branch: that made the check 5–8× slower. What it costs
    // against JSON.parse of the same snapshots is measured by `npm run bench`
    // (bench/hostile-input.ts; 2–4 % of parsing in BENCHMARKS.md), never timed here.
    const unionsWithNull: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const key of ['anyOf', 'oneOf'] as const) {
        const branches = (node as Record<string, unknown>)[key];
        if (Array.isArray(branches) && branches.some((b) => (b as { type?: unknown }).type === 'null')) unionsWithNull.push(`${path}/${key}`);
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
    };
    walk(AgentSnapshotSchema, '');
    expect(unionsWithNull).toEqual([]);
    expect(JSON.stringify(AgentSnapshotSchema)).toContain('"type":["number","null"]');
  });
});
