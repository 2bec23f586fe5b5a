// Quiet agents and the rate kinds (burst, rise, silence) of the fleet generator: what the labels
// promise is in the events (issue 14).
import { beforeAll, describe, expect, it } from 'vitest';
import { createFleet, KIND_DETECTOR, type Label, RATE_KINDS } from '../../../scripts/fleet/generate-fleet.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 2);

interface Ev {
  agentId: string;
  t: number;
}
interface Agent {
  id: string;
  archetype: string;
  timezone: string;
  quiet: boolean;
}

function generate(options: Parameters<typeof createFleet>[0]): { events: Ev[]; labels: Label[]; agents: Agent[] } {
  const run = createFleet(options);
  const events = [...run.events()].map((e) => ({ agentId: e.agentId, t: Date.parse(e.time as string) }));
  const agents = run.layout.agents.map((a) => ({ id: a.id, archetype: a.archetype, timezone: a.timezone, quiet: a.quiet }));
  return { events, labels: run.labels(), agents };
}

function byAgent(events: readonly Ev[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    const list = out.get(e.agentId);
    if (list) list.push(e.t);
    else out.set(e.agentId, [e.t]);
  }
  return out;
}

const within = (times: readonly number[], start: number, end: number): number => times.filter((t) => t >= start && t <= end).length;

/**
 * Events per minute while active: Mon–Fri 09:00–17:00 local for business-hours agents (inside
 * every working day whatever its jitter), the whole period for the others.
 */
function activeRate(agent: Agent, times: readonly number[], days: number): number {
  if (agent.archetype !== 'business') return times.length / (days * 1440);
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: agent.timezone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  const active = new Set<number>();
  for (let h = 0; h < days * 24; h++) {
    const parts = fmt.formatToParts(new Date(START + h * HOUR));
    const weekday = parts.find((p) => p.type === 'weekday')?.value ?? '';
    const hour = Number(parts.find((p) => p.type === 'hour')?.value);
    if (!['Sat', 'Sun'].includes(weekday) && hour >= 9 && hour < 17) active.add(h);
  }
  const n = times.filter((t) => active.has(Math.floor((t - START) / HOUR))).length;
  return n / (active.size * 60);
}

describe('quiet agents', () => {
  const OPTS = { seed: 3, agents: 20, days: 10, scale: 0.3, kinds: [] } as const;
  let quiet: ReturnType<typeof generate>;
  let plain: ReturnType<typeof generate>;
  beforeAll(() => {
    quiet = generate({ ...OPTS, quietShare: 0.3 });
    plain = generate(OPTS);
  }, 60_000);

  it('are quietShare of the agents, of several archetypes, never the sparse pollers', () => {
    const q = quiet.agents.filter((a) => a.quiet);
    expect(q).toHaveLength(6);
    expect(new Set(q.map((a) => a.archetype)).size).toBeGreaterThanOrEqual(3);
    expect(q.some((a) => a.archetype === 'sparse')).toBe(false);
    expect(plain.agents.some((a) => a.quiet)).toBe(false);
  });

  it('send 0.1–0.6 events a minute on average while active', () => {
    const times = byAgent(quiet.events);
    const rates = quiet.agents.filter((a) => a.quiet).map((a) => [a.id, a.archetype, activeRate(a, times.get(a.id) ?? [], OPTS.days)] as const);
    for (const [id, archetype, rate] of rates) {
      expect(rate, `${id} (${archetype})`).toBeGreaterThanOrEqual(0.1);
      expect(rate, `${id} (${archetype})`).toBeLessThanOrEqual(0.6);
    }
    // Quieter than they would have been: the same agents without quietShare.
    const before = byAgent(plain.events);
    const slowed = rates.filter(([id]) => (before.get(id)?.length ?? 0) > (times.get(id)?.length ?? 0));
    expect(slowed.length).toBeGreaterThanOrEqual(4);
  });

  it("leave the other agents' traffic as it was", () => {
    const q = new Set(quiet.agents.filter((a) => a.quiet).map((a) => a.id));
    expect(quiet.agents.map((a) => a.id)).toEqual(plain.agents.map((a) => a.id));
    const a = byAgent(quiet.events);
    const b = byAgent(plain.events);
    // The same events at the same times (the late ones may be written in another order).
    const sorted = (xs: number[] | undefined) => [...(xs ?? [])].sort((x, y) => x - y);
    for (const agent of plain.agents.filter((x) => !q.has(x.id))) expect(sorted(a.get(agent.id)), agent.id).toEqual(sorted(b.get(agent.id)));
  });

  it('rejects a share outside 0–1', () => {
    expect(() => createFleet({ ...OPTS, quietShare: 1.5 })).toThrow(/quietShare/);
  });
});

describe('rate kinds: burst, rise, silence', () => {
  const OPTS = { seed: 11, agents: 24, days: 16, scale: 0.5, quietShare: 0.3, kinds: [...RATE_KINDS], anomalyRate: 6 };
  let fleet: ReturnType<typeof generate>;
  let times: Map<string, number[]>;
  const of = (kind: string): Label[] => fleet.labels.filter((l) => l.kind === kind);
  /** Events of the label's agent inside its window, and the usual number the label states. */
  const observed = (l: Label) => ({
    n: within(times.get(l.agentId) ?? [], Date.parse(l.start), Date.parse(l.end)),
    usual: l.details['expectedUsual'] as number,
  });

  beforeAll(() => {
    fleet = generate(OPTS);
    times = byAgent(fleet.events);
  }, 60_000);

  it('are labelled with their kind and their detector, on quiet and on busy agents, after the learning days', () => {
    const quietIds = new Set(fleet.agents.filter((a) => a.quiet).map((a) => a.id));
    for (const kind of RATE_KINDS) {
      const list = of(kind);
      expect(list.length, kind).toBeGreaterThanOrEqual(3);
      for (const l of list) {
        expect(l.detector).toBe(KIND_DETECTOR[kind]);
        expect(l.details['agentRate']).toBe(quietIds.has(l.agentId) ? 'quiet' : 'busy');
        expect(Date.parse(l.start)).toBeGreaterThanOrEqual(START + 8 * DAY);
      }
      expect(new Set(list.map((l) => l.details['agentRate'])), kind).toEqual(new Set(['quiet', 'busy']));
    }
    expect(KIND_DETECTOR).toMatchObject({ burst: 'rate_spike', rise: 'rate_spike', silence: 'rate_drop' });
    expect(fleet.labels.length).toBe(of('burst').length + of('rise').length + of('silence').length);
  });

  it('burst: 8–25x the usual rate for 5–30 minutes, in the events', () => {
    for (const l of of('burst')) {
      const minutes = (Date.parse(l.end) - Date.parse(l.start)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(5);
      expect(minutes).toBeLessThanOrEqual(30);
      const mult = l.details['multiplier'] as number;
      expect(mult).toBeGreaterThanOrEqual(8);
      expect(mult).toBeLessThanOrEqual(25);
      const { n, usual } = observed(l);
      expect(n / usual, `${l.id} ${l.description}`).toBeGreaterThan(mult / 2);
      expect(n / usual, `${l.id} ${l.description}`).toBeLessThan(mult * 2);
      expect(l.eventCount).toBeGreaterThan(0);
    }
  });

  it('rise: 2–6x for 30–120 minutes, in the events', () => {
    let n = 0;
    let usual = 0;
    let expected = 0;
    for (const l of of('rise')) {
      const minutes = (Date.parse(l.end) - Date.parse(l.start)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(30);
      expect(minutes).toBeLessThanOrEqual(120);
      const mult = l.details['multiplier'] as number;
      expect(mult).toBeGreaterThanOrEqual(2);
      expect(mult).toBeLessThanOrEqual(6);
      const o = observed(l);
      // Counts on a quiet agent are small: each rise clearly above its usual, the pool close to the multipliers.
      expect(o.n / o.usual, `${l.id} ${l.description}`).toBeGreaterThan(1.2);
      n += o.n;
      usual += o.usual;
      expected += mult * o.usual;
    }
    expect(n / expected).toBeGreaterThan(0.75);
    expect(n / expected).toBeLessThan(1.33);
    expect(n / usual).toBeGreaterThan(2);
  });

  it('silence: no event at all of the agent for 2–8 hours where it is normally active', () => {
    for (const l of of('silence')) {
      const start = Date.parse(l.start);
      const end = Date.parse(l.end);
      expect((end - start) / HOUR).toBeGreaterThanOrEqual(2);
      expect((end - start) / HOUR).toBeLessThanOrEqual(8);
      expect(l.eventCount).toBe(0);
      expect(l.evidence).toEqual([]);
      const own = times.get(l.agentId) ?? [];
      expect(within(own, start, end), `${l.id} ${l.description}`).toBe(0);
      expect(l.details['expectedUsual'] as number).toBeGreaterThanOrEqual(10);
      // Active around it, and busy at the same hours a week earlier.
      expect(within(own, start - 2 * HOUR, start - 1)).toBeGreaterThan(0);
      expect(within(own, end + 1, end + 2 * HOUR)).toBeGreaterThan(0);
      expect(within(own, start - 7 * DAY, end - 7 * DAY)).toBeGreaterThanOrEqual((l.details['expectedUsual'] as number) / 3);
    }
  });

  it('is deterministic per seed', () => {
    const again = createFleet(OPTS).labels();
    expect(again.map((l) => [l.kind, l.agentId, l.start, l.end])).toEqual(fleet.labels.map((l) => [l.kind, l.agentId, l.start, l.end]));
  });
});
