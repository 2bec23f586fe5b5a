import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import type { EngineSnapshot } from '../../src/core/engine.js';
import { closeMatches } from '../../src/inspect/close-matches.js';
import { describeAgent } from '../../src/inspect/describe-agent.js';
import { formatAgentDescription } from '../../src/inspect/format-agent-description.js';
import { BURST_AT, LAST_DAY, YOUNG_FROM, knownFleetEvents } from '../helpers/known-fleet.js';
import { DAY, T0, engineWith, run } from '../helpers/traffic.js';

const settings = defaultEngineSettings();
const near = (x: number, want: number) => expect(Math.abs(x - want) / want, `${x} vs ${want}`).toBeLessThan(0.03);

describe('describeAgent (what agentwatch believes is normal)', () => {
  let snapshot: EngineSnapshot;
  let alerts: Alert[];

  beforeAll(() => {
    const engine = engineWith();
    alerts = run(engine, knownFleetEvents());
    snapshot = engine.snapshot();
  });

  const agent = (id: string) => snapshot.agents.find((a) => a.agentId === id)!;

  it('gives the learned rates: quantiles of active minutes, the week, the busiest minute and the rate_spike threshold per hour', () => {
    const d = describeAgent(agent('bot-2'), settings, { fleet: snapshot.agents });
    expect(d.learning).toEqual({ learning: false, days: 11.33 });
    near(d.rates.activeMinute.p50, 6);
    near(d.rates.activeMinute.p90, 12);
    near(d.rates.activeMinute.p99, 12);
    // Weekdays 09–17: 48 minutes of 6 and 12 of 12 events; nothing at night or at weekends.
    for (const day of [0, 1, 2, 3, 4]) {
      expect(d.week[day]?.slice(9, 17)).toEqual(Array(8).fill(432));
      expect(d.week[day]?.[3]).toBe(0);
    }
    expect(d.week[5]).toEqual(Array(24).fill(0));
    // 2.5 × the usual peak (12 as the sketch holds it: 12.18, within its 2 % accuracy), rounded up.
    expect(d.hourOfDay[12]).toEqual({ usualPeakPerMinute: 12, alertAbovePerMinute: 31 });
    // The usual peak looks an hour either side (a job drifting across the hour is still known).
    expect(d.hourOfDay[8]?.usualPeakPerMinute).toBe(12);
    expect(d.hourOfDay[3]?.usualPeakPerMinute).toBe(0);
    expect(d.rates.ewma.slow.mean).toBeGreaterThan(0);
    expect(d.peers).toEqual({ agentClass: 'etl', members: ['bot-1', 'young'], more: 0 });
    expect(d.openIncidents).toEqual([]);
  });

  it('lists resources, permissions and locations with first and last seen, most recent first, bounded', () => {
    const d = describeAgent(agent('bot-1'), settings, { fleet: snapshot.agents, limit: 3 });
    expect(d.resources.total).toBe(4);
    expect(d.resources.more).toBe(1);
    expect(d.resources.shown[0]).toMatchObject({ value: 's3://a', lastSeen: new Date(BURST_AT + 99 * 500).toISOString() });
    expect(d.resources.shown.map((r) => r.value).sort()).toEqual(['s3://a', 's3://b', 's3://c']);
    const all = describeAgent(agent('bot-1'), settings, { limit: 10 });
    expect(all.resources.shown.at(-1)).toEqual({ value: 's3://old', firstSeen: '2026-03-02T09:30:00.000Z', lastSeen: '2026-03-02T09:30:00.000Z' });
    expect(all.permissions.shown.map((p) => p.value)).toEqual(['storage.read', 'kv.get']);
    expect(all.permissions.shown[1]).toEqual({
      value: 'kv.get',
      firstSeen: new Date(T0 + 10 * DAY + 11 * 3_600_000 + 5_000).toISOString(),
      lastSeen: new Date(T0 + 10 * DAY + 11 * 3_600_000 + 5_000).toISOString(),
    });
    expect(all.permissions.shown[0]?.firstSeen).toBe('2026-03-02T09:00:05.000Z');
    expect(all.locations.shown.map((l) => l.value).sort()).toEqual(['country NL', 'region westeurope']);
    expect(all.sensitiveResources.total).toBe(0);
  });

  it('shows the incident still open at the end of the state, and the young agent still learning', () => {
    const spike = alerts.find((a) => a.agentId === 'bot-1' && a.detector === 'rate_spike');
    expect(spike?.time.slice(0, 16)).toBe(new Date(BURST_AT).toISOString().slice(0, 16));
    const d = describeAgent(agent('bot-1'), settings);
    // The threshold inspect reports is the one the engine alerted at.
    expect(spike?.summary).toMatch(new RegExp(`alert threshold ${d.hourOfDay[17]?.alertAbovePerMinute}/min`));
    expect(d.openIncidents).toMatchObject([
      { alertId: spike?.id, detector: 'rate_spike', severity: spike?.severity, opened: spike?.time, triggers: expect.any(Number) },
    ]);
    const young = describeAgent(agent('young'), settings);
    expect(young.learning).toEqual({ learning: true, days: 0.01, until: new Date(YOUNG_FROM + 7 * DAY).toISOString(), eventsNeeded: 30 });
    expect(young.hourOfDay.every((h) => h.alertAbovePerMinute === null)).toBe(true);
    expect(young.lastSeen).toBe(new Date(YOUNG_FROM + 19 * 60_000).toISOString());
    expect(Date.parse(young.lastSeen)).toBeLessThan(LAST_DAY + DAY);
  });

  it('formats a readable text: the 7×24 week, the lists with "… N more", the open incident', () => {
    const text = formatAgentDescription(describeAgent(agent('bot-1'), settings, { fleet: snapshot.agents, limit: 2, timezone: 'UTC' }));
    expect(text).toMatch(/^bot-1 {2}\(class etl\)$/m);
    expect(text).toMatch(/Learning: done/);
    expect(text).toMatch(/active minutes {3}p50 (5\.9|6|6\.1) {3}p90 12(\.2)? {3}p99 12(\.2)? {3}\(1,800 active minutes/);
    expect(text).toMatch(/^ {2}Mon {6}( {3}·){9}( 432){8}( {3}·){7}$/m);
    expect(text).toMatch(/^ {2}alert\/min( {2}31){24}$/m);
    expect(text).toMatch(/Resources \(4, most recent first\)\n {2}s3:\/\/a {2}first 2026-03-02 09:00 {2}last 2026-03-13 17:30\n.*\n {2}… 2 more/);
    expect(text).toMatch(/Open incidents \(1\)\n {2}rate_spike (medium|high|critical|low) {2}opened 2026-03-13 17:30/);
    expect(text).toMatch(/Peer group etl: bot-2, young/);
  });

  it('escapes control characters from events in the text (issue 13)', () => {
    const d = describeAgent(agent('bot-1'), settings, { fleet: snapshot.agents, limit: 2, timezone: 'UTC' });
    const text = formatAgentDescription({ ...d, agentId: 'bot\u001b]0;pwned\u0007\nforged' });
    expect(text.split('\n')[0]).toBe('bot\\x1b]0;pwned\\x07\\x0aforged  (class etl)');
    // eslint-disable-next-line no-control-regex -- looking for the control characters themselves
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('suggests close matches for a mistyped agent id', () => {
    const ids = ['bot-1', 'bot-2', 'young', 'arn:aws:iam::1:role/fraud-scorer-eu', 'arn:aws:iam::1:role/etl-loader'];
    expect(closeMatches('bot1', ids)).toEqual(['bot-1', 'bot-2']);
    expect(closeMatches('BOT', ids)).toEqual(['bot-1', 'bot-2']);
    expect(closeMatches('agent:fraud-scorer-1', ids)).toEqual(['arn:aws:iam::1:role/fraud-scorer-eu']);
    expect(closeMatches('zzzzzz', ids)).toEqual([]);
  });
});
