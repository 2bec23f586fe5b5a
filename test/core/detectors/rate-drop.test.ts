import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import type { Engine } from '../../../src/core/engine.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, localHour, localWeekday, merge, traffic } from '../../helpers/traffic.js';

/** Every message, the engine ticked by each event's time as a replay's watermark would. */
function runTicking(engine: Engine, events: readonly AuditEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) {
    out.push(...engine.process(e, e.timeMs));
    out.push(...engine.tick(e.timeMs, e.timeMs));
  }
  return out;
}
const opening = (alerts: readonly Alert[]) => alerts.filter((a) => a.status === undefined || a.status === 'open');
const drops = (alerts: readonly Alert[]) => opening(alerts).filter((a) => a.detector === 'rate_drop');

/** Two agents that never stop: the fleet clock the silent one is judged by. */
const clocks = (toMs: number) => [traffic('clock-a', T0, toMs, () => 1, 101), traffic('clock-b', T0, toMs, () => 1, 102)];
const without = (events: AuditEvent[], agentId: string, fromMs: number, toMs: number) =>
  events.filter((e) => e.agentId !== agentId || e.timeMs < fromMs || e.timeMs >= toMs);

const SILENCE = T0 + 9 * DAY + 9 * HOUR + 17 * MINUTE; // Wednesday 2026-03-11 09:17 UTC
const END = T0 + 12 * DAY;

function silentFleet(): AuditEvent[] {
  return merge(
    without(
      traffic('svc-1', T0, END, () => 2, 7),
      'svc-1',
      SILENCE,
      SILENCE + 4 * HOUR,
    ),
    ...clocks(END),
  );
}

describe('rate_drop', () => {
  it('reports an active agent gone silent once, soon after the gap, with expected and observed counts', () => {
    const events = silentFleet();
    const messages = runTicking(engineWith(), events);
    const alerts = drops(messages);
    expect(alerts.map((a) => a.agentId)).toEqual(['svc-1']);
    const [a] = alerts;
    const t = Date.parse(a!.time);
    expect(t).toBeGreaterThan(SILENCE);
    expect(t).toBeLessThan(SILENCE + HOUR);
    const last = events.filter((e) => e.agentId === 'svc-1' && e.timeMs < SILENCE).at(-1);
    expect(a!.eventId).toBe(last!.id);
    expect(a!.severity).toBe('medium');
    expect(a!.observed).toMatchObject({ kind: 'silence', events: 0 });
    expect(Number(a!.expected['events'])).toBeGreaterThanOrEqual(10);
    expect(a!.summary).toMatch(
      /^svc-1 sent no event for \d+ (h \d+ )?min; about \d+ expected for Wed 09:\d\d–\d\d:\d\d UTC; chance under this agent's history < 1e-\d+\.$/,
    );
    // Nothing else in the fleet raised anything.
    expect(opening(messages).filter((m) => m.detector !== 'rate_drop')).toEqual([]);
  });

  it('keeps one incident for the whole silence and resolves it once activity returns', () => {
    const messages = runTicking(engineWith(), silentFleet()).filter((m) => m.detector === 'rate_drop');
    expect(messages.map((m) => m.status)).toEqual(['open', 'resolved']);
    const resolved = messages[1]!;
    expect(resolved.id).toBe(messages[0]!.id);
    // Held open through the 4 h silence, resolved a cooldown after the first judgment that found it over.
    const resolvedAt = Date.parse(resolved.episode!.resolvedTime!);
    expect(resolvedAt).toBeGreaterThan(SILENCE + 4 * HOUR);
    expect(resolvedAt).toBeLessThanOrEqual(SILENCE + 4 * HOUR + 30 * MINUTE + 10 * MINUTE);
  });

  it('catches a drop to a tenth of a busy agent’s rate with the lower tail', () => {
    const drop = T0 + 10 * DAY + 14 * HOUR;
    const busy = traffic('busy', T0, END, (t) => (t >= drop && t < drop + HOUR ? 2 : 20), 9);
    const alerts = drops(runTicking(engineWith(), merge(busy, ...clocks(END))));
    expect(alerts.map((a) => a.agentId)).toEqual(['busy']);
    expect(alerts[0]!.observed['kind']).toBe('drop');
    expect(alerts[0]!.severity).toBe('low');
    expect(Date.parse(alerts[0]!.time)).toBeGreaterThan(drop);
    expect(Date.parse(alerts[0]!.time)).toBeLessThanOrEqual(drop + 20 * MINUTE);
    expect(alerts[0]!.summary).toMatch(
      /^busy sent \d+ events in the last 15 min; about 29\d expected for Thu 14:00–14:15 UTC; chance under this agent.s history < 1e-\d+\.$/,
    );
  });

  it('does not call a halving of the rate a drop', () => {
    const dip = T0 + 10 * DAY + 14 * HOUR;
    const busy = traffic('busy', T0, END, (t) => (t >= dip && t < dip + HOUR ? 10 : 20), 9);
    expect(drops(runTicking(engineWith(), merge(busy, ...clocks(END))))).toEqual([]);
  });

  it('is quiet for a nightly batch idle by day, and for an office agent over weekends and a DST change', () => {
    const TZ = 'America/New_York'; // daylight saving from 2026-03-08
    const batch = traffic('batch', T0, END + 9 * DAY, (t) => (new Date(t).getUTCHours() === 2 && new Date(t).getUTCMinutes() < 30 ? 40 : 0), 3);
    const office = (t: number) => (!['Sat', 'Sun'].includes(localWeekday(t, TZ)) && localHour(t, TZ) >= 9 && localHour(t, TZ) < 17 ? 4 : 0);
    const declared = { agents: [{ match: { agentId: 'office-ny' }, timezone: TZ }] };
    const events = merge(
      batch,
      traffic('office-ny', T0, END + 9 * DAY, office, 4),
      traffic('office-utc', T0, END + 9 * DAY, office, 5),
      ...clocks(END + 9 * DAY),
    );
    expect(drops(runTicking(engineWith({}, declared), events))).toEqual([]);
  });

  it('stays silent while the agent is learning', () => {
    const early = T0 + 4 * DAY + 9 * HOUR;
    const events = merge(
      without(
        traffic('svc-1', T0, END, () => 2, 7),
        'svc-1',
        early,
        early + 6 * HOUR,
      ),
      ...clocks(END),
    );
    expect(drops(runTicking(engineWith(), events))).toEqual([]);
  });

  it('does not judge the fleet by an agent whose clock runs hours ahead', () => {
    const at = T0 + 10 * DAY + 9 * HOUR;
    const ahead = [event('skewed', at + 20 * HOUR), event('skewed', at + 20 * HOUR + MINUTE)];
    const events = merge(
      traffic('svc-1', T0, at + 2 * HOUR, () => 2, 7),
      ...clocks(at + 2 * HOUR),
    ).filter((e) => e.timeMs < at);
    const engine = engineWith();
    const before = runTicking(engine, events);
    const after = runTicking(engine, ahead);
    expect(drops([...before, ...after])).toEqual([]);
    // An explicit tick far ahead is clamped to what the fleet has reached, too.
    expect(drops([...engine.tick(Date.UTC(9999, 11, 31), at)])).toEqual([]);
  });

  it('raises the same ids on a second run and after a restore in the middle of the silence', () => {
    const events = silentFleet();
    const reference = runTicking(engineWith(), events);
    expect(drops(reference)).toHaveLength(1);
    expect(runTicking(engineWith(), events)).toEqual(reference);
    for (const cut of [SILENCE + 20 * MINUTE + 13_000, SILENCE + 2 * HOUR + 7_000]) {
      const first = engineWith();
      const before = runTicking(
        first,
        events.filter((e) => e.timeMs < cut),
      );
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      expect(saved.agents.find((a: { agentId: string }) => a.agentId === 'svc-1').rateDrop).toBeDefined();
      const second = engineWith();
      second.restore(saved);
      expect(JSON.parse(JSON.stringify(second.snapshot()))).toEqual(saved);
      const after = runTicking(
        second,
        events.filter((e) => e.timeMs >= cut),
      );
      expect([...before, ...after]).toEqual(reference);
    }
  });

  it('holds back a silence inside a declared maintenance window, counted as held', () => {
    const iso = (t: number) => new Date(t).toISOString();
    const engine = engineWith(
      {},
      { agents: [{ match: { agentId: 'svc-1' }, maintenance: [{ from: iso(SILENCE - 10 * MINUTE), to: iso(SILENCE + 5 * HOUR), label: 'CHG-7' }] }] },
    );
    expect(drops(runTicking(engine, silentFleet()))).toEqual([]);
    expect(engine.snapshotAgent('svc-1')?.grace?.held).toEqual([['rate_drop', 1, expect.any(Number)]]);
  });

  it('is off when disabled', () => {
    expect(drops(runTicking(engineWith({ rateDrop: { enabled: false } }), silentFleet()))).toEqual([]);
  });
});
