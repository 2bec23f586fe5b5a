import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANOMALY_KINDS, createFleet, generateFleet, writeFleet } from '../../../scripts/fleet/generate-fleet.js';

const START = Date.UTC(2026, 2, 2);
const DAY = 86_400_000;
const OPTS = { seed: 7, agents: 12, days: 14, start: '2026-03-02', scale: 0.25, anomalyRate: 2 } as const;

interface Ev {
  id: string;
  time: string;
  agentId: string;
  agentClass: string;
  tenant: string;
  category: string;
  action: string;
  resource?: string;
  permission?: string;
  outcome: string;
  source: { ip: string; region: string; country: string };
}
interface Lbl {
  id: string;
  detector: string;
  kind: string;
  agentId: string;
  start: string;
  end: string;
  description: string;
  evidence: string[];
  eventCount: number;
  details: Record<string, unknown>;
}
interface FleetJson {
  agents: { agentId: string; archetype: string; timezone: string; regions: string[] }[];
  traps: { kind: string }[];
}

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleet-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function globRe(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Pairs of consecutive labels of one agent whose windows touch or overlap, and how many pairs were compared. */
function overlaps(list: readonly Pick<Lbl, 'id' | 'agentId' | 'start' | 'end'>[]): { compared: number; overlapping: string[] } {
  const byAgent = new Map<string, (typeof list)[number][]>();
  for (const l of list) byAgent.set(l.agentId, [...(byAgent.get(l.agentId) ?? []), l]);
  let compared = 0;
  const overlapping: string[] = [];
  for (const own of byAgent.values()) {
    own.sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
    for (let i = 1; i < own.length; i++) {
      compared++;
      if (Date.parse(own[i]!.start) <= Date.parse(own[i - 1]!.end)) overlapping.push(`${own[i - 1]!.id} ${own[i]!.id}`);
    }
  }
  return { compared, overlapping };
}

let dir = '';
let events: Ev[] = [];
let labels: Lbl[] = [];
let fleet: FleetJson;
let baselines: { sensitive: { pattern: string }[]; privileged: { pattern: string }[]; agents: Record<string, unknown>[] };

beforeAll(async () => {
  dir = tmp();
  await writeFleet(OPTS, dir, { gzip: true });
  events = gunzipSync(readFileSync(join(dir, 'events.jsonl.gz')))
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);
  labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Lbl);
  fleet = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')) as FleetJson;
  baselines = parse(readFileSync(join(dir, 'baselines', 'fleet.yaml'), 'utf8')) as typeof baselines;
}, 120_000);

describe('determinism', () => {
  it('writes byte-identical files for the same seed', async () => {
    const again = tmp();
    await writeFleet(OPTS, again, { gzip: true });
    for (const f of ['events.jsonl.gz', 'labels.jsonl', 'baselines/fleet.yaml', 'fleet.json']) {
      expect(readFileSync(join(again, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
    }
  }, 120_000);

  it('writes different traffic for a different seed', () => {
    const a = [...createFleet({ ...OPTS, seed: 1, days: 2 }).lines()];
    const b = [...createFleet({ ...OPTS, seed: 2, days: 2 }).lines()];
    expect(a.join('\n')).not.toEqual(b.join('\n'));
  });

  it('streams the same events as objects and as lines', () => {
    const lines = [...createFleet({ ...OPTS, days: 2 }).lines()];
    const objects = [...generateFleet({ ...OPTS, days: 2 })];
    expect(objects.length).toBe(lines.length);
    expect(objects.map((o) => JSON.stringify(o))).toEqual(lines);
  });
});

describe('events', () => {
  // Plain checks collected into one list: a per-field expect() on every event would take minutes.
  it('match the DESIGN.md native format', () => {
    const rfc3339ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const ids = new Set<string>();
    const problems: string[] = [];
    const check = (ok: boolean, what: string, e: Ev): void => {
      if (!ok && problems.length < 10) problems.push(`${what}: ${JSON.stringify(e)}`);
    };
    for (const e of events) {
      check(typeof e.id === 'string' && e.id.length > 0 && !ids.has(e.id), 'unique id', e);
      ids.add(e.id);
      check(rfc3339ms.test(e.time), 'time', e);
      check(typeof e.agentId === 'string' && e.agentId.length > 0 && e.agentId.length <= 256, 'agentId', e);
      check(['api_call', 'resource_access', 'permission_request'].includes(e.category), 'category', e);
      check(typeof e.action === 'string' && e.action.length > 0 && e.action.length <= 512, 'action', e);
      if (e.category === 'resource_access') check((e.resource?.length ?? 0) > 0, 'resource', e);
      if (e.resource !== undefined) check(e.resource.length <= 2048, 'resource length', e);
      if (e.category === 'permission_request') check((e.permission?.length ?? 0) > 0, 'permission', e);
      check(['success', 'failure', 'denied'].includes(e.outcome), 'outcome', e);
      check(/^\d+\.\d+\.\d+\.\d+$/.test(e.source.ip) && e.source.region.length > 0 && /^[A-Z]{2}$/.test(e.source.country), 'source', e);
      const t = Date.parse(e.time);
      check(t >= START && t < START + OPTS.days * DAY, 'inside the period', e);
    }
    expect(problems).toEqual([]);
    expect(events.length).toBeGreaterThan(10_000);
  });

  it('have a small background error ratio', () => {
    const errors = events.filter((e) => e.outcome !== 'success').length / events.length;
    expect(errors).toBeGreaterThan(0.005);
    expect(errors).toBeLessThan(0.05);
  });

  it('arrive in time order except a bounded share of late ones', () => {
    let max = 0;
    let late = 0;
    let veryLate = 0;
    for (const e of events) {
      const t = Date.parse(e.time);
      if (t < max) {
        const by = max - t;
        if (by > 600_000) throw new Error(`${e.id} is ${by} ms late`);
        late++;
        if (by > 45_000) veryLate++;
      } else max = t;
    }
    expect(late / events.length).toBeGreaterThan(0.004);
    expect(late / events.length).toBeLessThan(0.02);
    expect(veryLate).toBeGreaterThan(0);
    expect(veryLate / events.length).toBeLessThan(0.002);
  });

  it('name peer groups of 2 to 6 agents', () => {
    const byClass = new Map<string, Set<string>>();
    for (const e of events) byClass.set(e.agentClass, (byClass.get(e.agentClass) ?? new Set()).add(e.agentId));
    expect(new Set(events.map((e) => e.agentId)).size).toBe(OPTS.agents);
    for (const members of byClass.values()) {
      expect(members.size).toBeGreaterThanOrEqual(2);
      expect(members.size).toBeLessThanOrEqual(6);
    }
  });
});

describe('daylight saving', () => {
  it('keeps a New York business-hours agent on local time across 2026-03-08', () => {
    const agent = fleet.agents.find((a) => a.archetype === 'business' && a.timezone === 'America/New_York');
    expect(agent).toBeDefined();
    const times = events
      .filter((e) => e.agentId === agent?.agentId)
      .map((e) => Date.parse(e.time))
      .sort((a, b) => a - b);
    // The start of the working day: the first event followed by steady activity (not a stray).
    const starts = new Map<number, number>();
    for (let i = 0; i + 5 < times.length; i++) {
      const t = times[i] as number;
      const day = Math.floor((t - START) / DAY);
      const weekday = (new Date(t).getUTCDay() + 6) % 7;
      if (weekday >= 5 || starts.has(day)) continue;
      if ((times[i + 5] as number) - t < 15 * 60_000) starts.set(day, t);
    }
    const minuteOfDay = (t: number): number => (t % DAY) / 60_000;
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const before = [...starts].filter(([d]) => d < 6).map(([, t]) => minuteOfDay(t));
    const after = [...starts].filter(([d]) => d >= 7).map(([, t]) => minuteOfDay(t));
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(after.length).toBeGreaterThanOrEqual(4);
    const shift = median(before) - median(after);
    // One hour earlier in UTC, the same hour on the wall clock.
    expect(shift).toBeGreaterThan(40);
    expect(shift).toBeLessThan(80);
    const local = (m: number, offset: number): number => m + offset;
    expect(Math.abs(local(median(before), -300) - local(median(after), -240))).toBeLessThan(20);
  });
});

describe('labels', () => {
  it('exist for the core kinds', () => {
    const kinds = new Set(labels.map((l) => l.detector));
    for (const k of ['rate_spike', 'new_sensitive_resource', 'off_hours']) expect(kinds.has(k), k).toBe(true);
    for (const l of labels) expect(ANOMALY_KINDS).toContain(l.detector);
    // The default kinds are one per detector: each label's kind is its detector's name.
    for (const l of labels) expect(l.kind).toBe(l.detector);
  });

  it('lie inside the period, after the learning days, on existing agents', () => {
    const agents = new Set(events.map((e) => e.agentId));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) {
      expect(l.id).toMatch(/^lbl-/);
      expect(Date.parse(l.start)).toBeGreaterThanOrEqual(START + 8 * DAY);
      expect(Date.parse(l.end)).toBeGreaterThan(Date.parse(l.start));
      expect(Date.parse(l.end)).toBeLessThanOrEqual(START + OPTS.days * DAY);
      expect(agents.has(l.agentId)).toBe(true);
      expect(l.eventCount).toBeGreaterThan(0);
    }
  });

  it('never overlap on one agent', () => {
    // The fleet above has at most one label per agent, so its check compares nothing; a crowded
    // plan (3 agents, 8x the anomalies; planning only, no events) puts several on each agent.
    expect(overlaps(labels).overlapping).toEqual([]);
    const crowded = overlaps(createFleet({ ...OPTS, agents: 3, anomalyRate: 8 }).labels());
    expect(crowded.compared).toBeGreaterThanOrEqual(2);
    expect(crowded.overlapping).toEqual([]);
    // And the check itself sees an overlap when there is one.
    const [a, b] = [labels[0]!, labels[1]!];
    const clash = { ...b, agentId: a.agentId, start: a.start };
    expect(overlaps([a, clash]).overlapping).toEqual([`${a.id} ${clash.id}`]);
  });

  it('point at events of the labelled agent inside the window', () => {
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) {
      expect(l.evidence.length).toBeGreaterThan(0);
      for (const id of l.evidence) {
        const e = byId.get(id);
        expect(e?.agentId).toBe(l.agentId);
        const t = Date.parse(e!.time);
        expect(t).toBeGreaterThanOrEqual(Date.parse(l.start));
        expect(t).toBeLessThanOrEqual(Date.parse(l.end));
      }
    }
  });

  it('cover every sensitive resource an agent reads for the first time after learning', () => {
    const sensitive = baselines.sensitive.map((s) => globRe(s.pattern));
    const labelled = new Set(labels.filter((l) => l.detector === 'new_sensitive_resource').flatMap((l) => l.evidence));
    const seen = new Set<string>();
    const unlabelled: string[] = [];
    let routine = 0;
    for (const e of events) {
      if (!e.resource || !sensitive.some((re) => re.test(e.resource!))) continue;
      const key = `${e.agentId} ${e.resource}`;
      if (!seen.has(key) && Date.parse(e.time) >= START + 8 * DAY && !labelled.has(e.id)) unlabelled.push(`${key} at ${e.time}`);
      if (!labelled.has(e.id)) routine++;
      seen.add(key);
    }
    expect(unlabelled).toEqual([]);
    // The trap: plenty of legitimate, routine sensitive reads from day one.
    expect(routine).toBeGreaterThan(100);
    const sensitiveLabels = labels.filter((x) => x.detector === 'new_sensitive_resource');
    expect(sensitiveLabels.length).toBeGreaterThan(0);
    for (const l of sensitiveLabels) {
      expect((l.details['resources'] as string[]).length).toBeGreaterThan(0);
      for (const r of l.details['resources'] as string[])
        expect(
          sensitive.some((re) => re.test(r)),
          r,
        ).toBe(true);
    }
  });

  it('explain every call of a declared business-hours agent outside its hours (label or stray)', () => {
    const traps = (fleet.traps as { kind: string; agentId?: string; start: string }[]).filter((t) => t.kind === 'stray_night_event');
    const strays = new Set(traps.map((t) => `${t.agentId} ${t.start.slice(0, 16)}`));
    const entry = baselines.agents.find((a) => (a['match'] as { agentClass?: string }).agentClass === 'support-copilot');
    expect(entry?.['activeHours']).toEqual(['Mon-Fri 07:00-19:00']);
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: entry?.['timezone'] as string, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
    const windows = labels.map((l) => ({ agentId: l.agentId, start: Date.parse(l.start), end: Date.parse(l.end) }));
    const unexplained: string[] = [];
    let outside = 0;
    for (const e of events) {
      if (e.agentClass !== 'support-copilot') continue;
      const t = Date.parse(e.time);
      const parts = fmt.formatToParts(new Date(t));
      const weekday = parts.find((p) => p.type === 'weekday')?.value ?? '';
      const hour = Number(parts.find((p) => p.type === 'hour')?.value);
      if (!['Sat', 'Sun'].includes(weekday) && hour >= 7 && hour < 19) continue;
      outside++;
      if (strays.has(`${e.agentId} ${e.time.slice(0, 16)}`)) continue;
      if (windows.some((w) => w.agentId === e.agentId && t >= w.start && t <= w.end)) continue;
      unexplained.push(`${e.agentId} ${e.time} ${weekday} ${hour}h ${e.action}`);
    }
    expect(unexplained.slice(0, 10)).toEqual([]);
    expect(outside).toBeGreaterThan(0);
  });

  it('put off_hours on business-hours agents between 01:00 and 05:00 local', () => {
    const byId = new Map(fleet.agents.map((a) => [a.agentId, a]));
    const offHours = labels.filter((x) => x.detector === 'off_hours');
    expect(offHours.length).toBeGreaterThan(0);
    for (const l of offHours) {
      const a = byId.get(l.agentId)!;
      expect(a.archetype).toBe('business');
      const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: a.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      const [hs] = fmt.format(new Date(l.start)).split(':').map(Number);
      const [he, me] = fmt.format(new Date(l.end)).split(':').map(Number);
      expect(hs).toBeGreaterThanOrEqual(1);
      expect((he as number) * 60 + (me as number)).toBeLessThanOrEqual(5 * 60);
      expect(l.eventCount).toBeGreaterThanOrEqual(15);
      expect(l.eventCount).toBeLessThanOrEqual(120);
    }
  });

  it('only include the requested kinds; the rate kinds are opt-in', () => {
    const run = createFleet({ ...OPTS, kinds: ['rate_spike'] });
    expect(run.anomalies.length).toBeGreaterThan(0);
    expect(new Set(run.anomalies.map((a) => a.kind))).toEqual(new Set(['rate_spike']));
    expect(labels.some((l) => ['burst', 'rise', 'silence'].includes(l.kind))).toBe(false);
    expect(() => createFleet({ ...OPTS, kinds: ['nope' as never] })).toThrow(/unknown anomaly kind nope/);
  });
});

describe('baselines/fleet.yaml', () => {
  it('declares sensitive and privileged patterns and some agents', () => {
    const labelsOf = baselines.sensitive.map((s) => s.pattern).join(' ');
    for (const p of ['secretsmanager', 'kms', 'ssm', 'vault.azure.net/secrets', '/secrets/']) expect(labelsOf).toContain(p);
    expect(baselines.privileged.some((p) => p.pattern === 'iam:AttachRolePolicy')).toBe(true);
    expect(baselines.agents.length).toBeGreaterThan(0);
    const business = baselines.agents.find((a) => Array.isArray(a['activeHours']));
    expect(business?.['timezone']).toBeTypeOf('string');
    expect(business?.['allowedRegions']).toBeInstanceOf(Array);
  });

  it('matches every declared entry to agents of the fleet', () => {
    const ids = [...new Set(events.map((e) => `${e.agentId} ${e.agentClass}`))];
    expect(baselines.agents.length).toBeGreaterThan(0);
    for (const entry of baselines.agents) {
      const m = entry['match'] as { agentId?: string; agentClass?: string };
      const hit = ids.some((x) => {
        const [id, cls] = x.split(' ');
        return m.agentId ? globRe(m.agentId).test(id!) : m.agentClass === cls;
      });
      expect(hit, JSON.stringify(m)).toBe(true);
    }
  });
});

describe('fixtures/demo', () => {
  // Compared decompressed: gzip bytes may differ between zlib versions, the events may not.
  it('is what the command in its README generates', () => {
    const root = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'demo');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('--seed 42 --agents 12 --days 21 --start 2026-03-02');
    expect(readme).toContain('--scale 0.2 --anomaly-rate 4');
    const run = createFleet({ seed: 42, agents: 12, days: 21, start: '2026-03-02', scale: 0.2, anomalyRate: 4 });
    const expected = [...run.lines()].join('\n') + '\n';
    const actual = gunzipSync(readFileSync(join(root, 'events.jsonl.gz'))).toString('utf8');
    expect(actual === expected, 'fixtures/demo is stale: regenerate it with the command in its README').toBe(true);
    const labelsNow =
      run
        .labels()
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n';
    expect(readFileSync(join(root, 'labels.jsonl'), 'utf8')).toBe(labelsNow);
    expect(readFileSync(join(root, 'baselines', 'fleet.yaml'), 'utf8')).toBe(run.baselinesYaml());
    const kinds = new Set(run.labels().map((l) => l.detector));
    for (const k of ['rate_spike', 'new_sensitive_resource', 'off_hours']) expect(kinds.has(k as never), k).toBe(true);
    expect(readFileSync(join(root, 'events.jsonl.gz')).length).toBeLessThan(4_200_000);
  }, 120_000);
});
