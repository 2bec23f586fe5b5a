// `agentwatch eval` per kind of anomaly (issue 14): recall, median and p90 delay, false alerts
// per agent-week overall and per detector.
import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/evaluation/detection-delay.js';
import { type Label, evaluateAlerts, formatEvaluation } from '../../src/evaluation/evaluate-alerts.js';

const label = (id: string, detector: string, agentId: string, start: string, end: string, kind?: string): Label => ({
  id,
  detector,
  agentId,
  start,
  end,
  ...(kind && { kind }),
});
const alert = (id: string, detector: string, agentId: string, time: string, status?: string) => ({ id, detector, agentId, time, ...(status && { status }) });

const labels = [
  label('b1', 'rate_spike', 'a', '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z', 'burst'),
  label('b2', 'rate_spike', 'b', '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z', 'burst'),
  label('b3', 'rate_spike', 'c', '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z', 'burst'),
  label('r1', 'rate_spike', 'a', '2026-03-12T10:00:00Z', '2026-03-12T12:00:00Z', 'rise'),
  label('r2', 'rate_spike', 'b', '2026-03-12T10:00:00Z', '2026-03-12T12:00:00Z', 'rise'), // missed
  label('s1', 'rate_drop', 'c', '2026-03-13T08:00:00Z', '2026-03-13T14:00:00Z', 'silence'),
  label('p1', 'rate_spike', 'd', '2026-03-14T08:00:00Z', '2026-03-14T08:10:00Z'), // no kind: its detector's
  label('o1', 'off_hours', 'd', '2026-03-15T02:00:00Z', '2026-03-15T03:00:00Z', 'off_hours'),
];
const alerts = [
  alert('x1', 'rate_spike', 'a', '2026-03-10T10:01:00Z'), // b1: 60 s
  alert('x1', 'rate_spike', 'a', '2026-03-10T10:00:30Z', 'update'), // not an opening: ignored
  alert('x2', 'rate_spike', 'b', '2026-03-10T10:05:00Z'), // b2: 300 s
  alert('x3', 'rate_spike', 'c', '2026-03-10T10:10:00Z'), // b3: 600 s
  alert('x4', 'rate_spike', 'a', '2026-03-12T11:00:00Z'), // r1: 3600 s
  alert('x5', 'rate_drop', 'c', '2026-03-13T10:00:00Z'), // s1: 7200 s
  alert('x6', 'rate_spike', 'd', '2026-03-14T08:00:20Z'), // p1: 20 s
  alert('f1', 'rate_spike', 'e', '2026-03-16T10:00:00Z'), // false
  alert('f2', 'rate_spike', 'e', '2026-03-17T10:00:00Z'), // false
  alert('f3', 'rate_drop', 'e', '2026-03-18T10:00:00Z'), // false
  alert('f4', 'new_permission', 'a', '2026-03-12T10:30:00Z'), // on r1, another detector's anomaly: not false
];

describe('evaluation per kind', () => {
  const e = evaluateAlerts(alerts, labels, { agents: 10, spanMs: 14 * 86_400_000 });

  it('groups labels by kind, a label without one under its detector, ordered by detector then kind', () => {
    expect(e.byKind.map((k) => [k.kind, k.detector, k.labels, k.detected, k.recall])).toEqual([
      ['off_hours', 'off_hours', 1, 0, 0],
      ['silence', 'rate_drop', 1, 1, 1],
      ['rate_spike', 'rate_spike', 1, 1, 1],
      ['burst', 'rate_spike', 3, 3, 1],
      ['rise', 'rate_spike', 2, 1, 0.5],
    ]);
  });

  it('gives the median and the p90 (nearest rank) delay of each kind and each detector', () => {
    const burst = e.byKind.find((k) => k.kind === 'burst');
    expect([burst?.medianDelaySeconds, burst?.p90DelaySeconds]).toEqual([300, 600]);
    const silence = e.byKind.find((k) => k.kind === 'silence');
    expect([silence?.medianDelaySeconds, silence?.p90DelaySeconds]).toEqual([7200, 7200]);
    expect(e.byKind.find((k) => k.kind === 'off_hours')?.p90DelaySeconds).toBeNull();
    // rate_spike: 20, 60, 300, 600, 3600 s.
    const spike = e.byDetector.find((d) => d.detector === 'rate_spike');
    expect([spike?.medianDelaySeconds, spike?.p90DelaySeconds]).toEqual([300, 3600]);
    expect([nearestRank([], 0.9), nearestRank([5], 0.9), nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), nearestRank([3, 1, 2], 0.5)]).toEqual([
      null,
      5,
      9,
      2,
    ]);
  });

  it('counts false alerts per agent-week overall, per detector and for each kind through its detector', () => {
    // 10 agents × 2 weeks = 20 agent-weeks.
    expect(e.falseAlerts.map((a) => a.id)).toEqual(['f1', 'f2', 'f3']);
    expect(e.falseAlertsPerAgentWeek).toBe(0.15);
    const perDetector = Object.fromEntries(e.byDetector.map((d) => [d.detector, d.falseAlertsPerAgentWeek]));
    expect(perDetector).toEqual({ new_permission: 0, off_hours: 0, rate_drop: 0.05, rate_spike: 0.1 });
    expect(e.byKind.find((k) => k.kind === 'burst')?.falseAlertsPerAgentWeek).toBe(0.1);
    expect(e.byKind.find((k) => k.kind === 'silence')?.falseAlertsPerAgentWeek).toBe(0.05);
    expect(e.byDetector.find((d) => d.detector === 'new_permission')).toMatchObject({ alerts: 1, otherLabel: 1, falseAlerts: 0 });
  });

  it('reports alerts raised while their agent was learning (the cold-start inventory) apart from false incidents', () => {
    const inventory = { ...alert('c1', 'new_permission', 'g', '2026-03-02T00:00:34Z'), baseline: { learning: true } };
    const learned = { ...alert('c2', 'new_permission', 'g', '2026-03-20T00:00:34Z'), baseline: { learning: false } };
    const withInventory = evaluateAlerts([...alerts, inventory, learned], labels, { agents: 10, spanMs: 14 * 86_400_000 });
    expect(withInventory.coldStartAlerts.map((a) => a.id)).toEqual(['c1']);
    expect(withInventory.falseAlerts.map((a) => a.id)).toEqual(['f1', 'f2', 'f3', 'c2']);
    expect(withInventory.byDetector.find((d) => d.detector === 'new_permission')).toMatchObject({
      alerts: 3,
      otherLabel: 1,
      falseAlerts: 1,
      coldStartAlerts: 1,
    });
    expect(withInventory.falseAlertsPerAgentWeek).toBe(0.2);
    expect(formatEvaluation(withInventory)).toContain('Cold-start inventory: 1 alert on agents still learning (privileged grants, sensitive acts), not false.');
    expect(formatEvaluation(e)).not.toContain('Cold-start inventory');
  });

  it('prints the detector table as before, then a table per kind with the p90 delay', () => {
    const text = formatEvaluation(e);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^detector +anomalies +caught +caught % +alerts +right +other anomaly +false +median delay$/);
    expect(text).toContain('False alerts: 3 over 10 agents × 2 weeks, 0.15 per agent per week.');
    const header = lines.findIndex((l) => /^kind +detector +anomalies +caught +caught % +median delay +p90 delay +false\/agent-week$/.test(l));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 4]).toMatch(/^burst +rate_spike +3 +3 +100 % +5 min +10 min +0\.1$/);
    expect(lines[header + 5]).toMatch(/^rise +rate_spike +2 +1 +50 % +60 min +60 min +0\.1$/);
    expect(lines[header + 2]).toMatch(/^silence +rate_drop +1 +1 +100 % +120 min +120 min +0\.05$/);
  });

  it('keeps the detector scores of labels without kinds as they were', () => {
    const plain = labels.map(({ kind: _kind, ...rest }) => rest);
    const before = evaluateAlerts(alerts, plain, { agents: 10, spanMs: 14 * 86_400_000 });
    expect(before.byDetector).toEqual(e.byDetector);
    expect(before.byKind.map((k) => k.kind)).toEqual(['off_hours', 'rate_drop', 'rate_spike']);
  });
});
