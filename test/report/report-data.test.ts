import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { buildReportData, incidentsOf } from '../../src/report/report-data.js';
import { renderReportHtml } from '../../src/report/render-report-html.js';
import { BURST_AT, knownFleetEvents } from '../helpers/known-fleet.js';
import { HOUR, T0, engineWith, runAll } from '../helpers/traffic.js';

const settings = defaultEngineSettings();

function alert(id: string, agentId: string, detector: string, timeMs: number, extra: Partial<Alert> = {}): Alert {
  const time = new Date(timeMs).toISOString();
  return {
    id,
    agentId,
    detector: detector as Alert['detector'],
    severity: 'medium',
    score: 50,
    time,
    detectedAt: time,
    summary: `${agentId} ${detector}`,
    observed: {},
    expected: {},
    evidence: [],
    baseline: { events: 100, days: 9, learning: false, basis: 'learned' },
    eventId: `e-${id}`,
    status: 'open',
    episode: { revision: 0, count: 1, firstTime: time, lastTime: time, peakScore: 50, peakObserved: {} },
    ...extra,
  };
}

describe('report data', () => {
  it('folds lifecycle messages into incidents: one per id, escalations kept, resolutions dated, duplicates ignored', () => {
    const open = alert('a1', 'x', 'rate_spike', T0);
    const update = {
      ...open,
      status: 'update' as const,
      severity: 'high' as const,
      time: new Date(T0 + 600_000).toISOString(),
      episode: { ...open.episode!, revision: 1 },
    };
    const resolved = {
      ...update,
      status: 'resolved' as const,
      time: new Date(T0 + 3_000_000).toISOString(),
      episode: { ...update.episode, revision: 2, resolvedTime: new Date(T0 + 3_000_000).toISOString() },
    };
    const legacy: Alert = { ...alert('b1', 'y', 'off_hours', T0 + HOUR) };
    delete legacy.status;
    delete legacy.episode;
    const incidents = incidentsOf([open, update, update, resolved, legacy, legacy]);
    expect(incidents).toEqual([
      { id: 'a1', agentId: 'x', detector: 'rate_spike', severity: 'high', timeMs: T0, summary: 'x rate_spike', updates: 2, resolvedMs: T0 + 3_000_000 },
      { id: 'b1', agentId: 'y', detector: 'off_hours', severity: 'medium', timeMs: T0 + HOUR, summary: 'y off_hours', updates: 0 },
    ]);
    const data = buildReportData({ alerts: [open, update, resolved, legacy], settings });
    expect(data.summary).toMatchObject({ incidents: 2, resolved: 1, stillOpen: 1, updates: 1, agentsAlerting: 2, byDetector: { rate_spike: 1, off_hours: 1 } });
    expect(data.summary.bySeverity).toEqual({ low: 0, medium: 1, high: 1, critical: 0 });
  });

  it('counts alerts per hour over short periods and per day over long ones, and ranks the noisiest agents', () => {
    const short = buildReportData({
      alerts: [alert('1', 'a', 'rate_spike', T0 + 10 * 60_000), alert('2', 'a', 'off_hours', T0 + 20 * 60_000), alert('3', 'b', 'rate_spike', T0 + 3 * HOUR)],
      settings,
    });
    expect(short.timeline.bucketMs).toBe(HOUR);
    expect(short.timeline.buckets.map((b) => b.byDetector)).toEqual([{ rate_spike: 1, off_hours: 1 }, {}, {}, { rate_spike: 1 }]);
    expect(short.noisiest.map((n) => [n.agentId, n.incidents])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    const long = buildReportData({
      alerts: [
        alert('1', 'a', 'rate_spike', T0 + HOUR),
        alert('2', 'b', 'new_permission', T0 + 9 * 24 * HOUR, { severity: 'critical' }),
        alert('3', 'c', 'new_permission', T0 + 9 * 24 * HOUR + HOUR),
      ],
      settings,
    });
    expect(long.timeline.bucketMs).toBe(24 * HOUR);
    expect(long.timeline.buckets).toHaveLength(10);
    expect(long.timeline.buckets[9]?.byDetector).toEqual({ new_permission: 2 });
    // Ties broken by the worst severity.
    expect(long.noisiest.map((n) => n.agentId)).toEqual(['b', 'a', 'c']);
    expect(long.detectors).toEqual(['new_permission', 'rate_spike']);
  });

  it('charts the noisiest agents hour by hour: observed from the events, band and threshold from the state', () => {
    const engine = engineWith();
    const events = knownFleetEvents();
    const alerts = runAll(engine, events);
    const perMinute = new Map<number, number>();
    for (const e of events) if (e.agentId === 'bot-1') perMinute.set(Math.floor(e.timeMs / 60_000), (perMinute.get(Math.floor(e.timeMs / 60_000)) ?? 0) + 1);
    const data = buildReportData({ alerts, settings, agents: engine.snapshot().agents, rates: new Map([['bot-1', perMinute]]), topAgents: 1 });
    const [panel] = data.panels;
    expect(panel?.agentId).toBe('bot-1');
    expect(panel?.band).toBe('state');
    expect(panel?.incidents.map((i) => i.detector)).toContain('rate_spike');
    const at = (ms: number) => panel?.hours.find((h) => h.startMs === ms);
    // A Wednesday at noon: 432 events (7.2 a minute), busiest minute 12, learned the same.
    const noon = T0 + 2 * 24 * HOUR + 12 * HOUR;
    expect(at(noon)).toEqual({ startMs: noon, meanPerMinute: 7.2, peakPerMinute: 12, typicalPerMinute: 7.2, usualPeakPerMinute: 12, alertAbovePerMinute: 31 });
    // The burst hour: observed far above the threshold.
    const burst = at(Math.floor(BURST_AT / HOUR) * HOUR);
    expect(burst?.peakPerMinute).toBe(100);
    expect(burst?.alertAbovePerMinute).toBe(31);
    // Without state, the band is only the thresholds the rate alerts reported.
    const bare = buildReportData({ alerts, settings, topAgents: 1 }).panels[0];
    expect(bare?.band).toBe('alerts');
    expect(bare?.hours).toEqual([]);
    expect(bare?.alertThresholds).toEqual([{ timeMs: expect.any(Number), thresholdPerMinute: 31, typicalPeakPerMinute: expect.closeTo(12.18, 1) }]);
  });
});

describe('report on hostile alert times (issue 13)', () => {
  const fleet = Array.from({ length: 50 }, (_, i) => alert(`f${i}`, `agent-${i % 5}`, 'rate_spike', T0 + i * HOUR));

  it('an alert dated year 9999 neither stretches the range nor the buckets', () => {
    const far = alert('far', 'agent-x', 'rate_spike', Date.UTC(9999, 11, 31, 23, 59));
    const data = buildReportData({ alerts: [...fleet, far], settings });
    expect(data.range).toEqual({ fromMs: T0, toMs: T0 + 49 * HOUR, outside: 1 });
    expect(data.timeline.buckets.length).toBeLessThanOrEqual(401);
    expect(data.panels.length).toBeGreaterThan(0);
    for (const p of data.panels) expect(p.hours.length).toBeLessThanOrEqual(400 * 24 + 1);
    const html = renderReportHtml(data, { alertsFile: 'a.jsonl', generatedAt: 'now', agentwatchVersion: 'test' });
    expect(html).toContain('1 alert dated outside this period');
    expect(html).toContain('9999-12-31 23:59');
  });

  it('epoch-ms 8.64e15 (the last date there is) and invalid times render without overflow', () => {
    const last = { ...alert('last', 'agent-y', 'off_hours', 0), time: new Date(8.64e15).toISOString() };
    const invalid = { ...alert('bad', 'agent-z', 'off_hours', 0), time: 'not a time', episode: undefined };
    const data = buildReportData({ alerts: [...fleet, last, invalid], settings });
    const html = renderReportHtml(data, { alertsFile: 'a.jsonl', generatedAt: 'now', agentwatchVersion: 'test' });
    // The work is bounded by what is charted, not by the span of the times (before: a heap
    // exhausted after 86 s). The cost against an ordinary report is in `npm run bench`.
    expect(data.range).toEqual({ fromMs: T0, toMs: T0 + 49 * HOUR, outside: 2 });
    expect(data.timeline.buckets.length).toBeLessThanOrEqual(401);
    for (const p of data.panels) expect(p.hours.length).toBeLessThanOrEqual(400 * 24 + 1);
    expect(html.length).toBeLessThan(
      10 * renderReportHtml(buildReportData({ alerts: fleet, settings }), { alertsFile: 'a.jsonl', generatedAt: 'now', agentwatchVersion: 'test' }).length,
    );
    expect(html).toContain('invalid time');
  });

  it('alerts that are all far apart chart the busiest 400 days, the latest on a tie', () => {
    const spread = [
      alert('1', 'a', 'rate_spike', Date.UTC(1970, 0, 1)),
      alert('2', 'a', 'rate_spike', Date.UTC(2026, 0, 1)),
      alert('3', 'a', 'rate_spike', Date.UTC(2026, 5, 1)),
      alert('4', 'a', 'rate_spike', 8.64e15),
    ];
    const data = buildReportData({ alerts: spread, settings });
    expect(data.range).toEqual({ fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 5, 1), outside: 2 });
    expect(data.timeline.bucketMs).toBe(86_400_000);
  });

  it('agent ids with bidi overrides and controls are shown escaped in the page', () => {
    const html = renderReportHtml(buildReportData({ alerts: [alert('x', 'bot\u202egnp.exe\u001b[2J', 'rate_spike', T0)], settings }), {
      alertsFile: 'a.jsonl',
      generatedAt: 'now',
      agentwatchVersion: 'test',
    });
    expect(html).toContain('bot\\u202egnp.exe\\x1b[2J');
    // eslint-disable-next-line no-control-regex -- looking for the control characters themselves
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u001b]/);
  });
});
