import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/core/detectors/detector.js';
import { diffAlerts } from '../../src/evaluation/alert-diff.js';
import type { IncidentRecord } from '../../src/evaluation/sweep-lanes.js';

const T0 = Date.parse('2026-03-10T00:00:00Z');
function incident(
  id: string,
  agentId: string,
  detector: string,
  minute: number,
  severity: Severity = 'medium',
  peakSeverity: Severity = severity,
): IncidentRecord {
  return {
    id,
    agentId,
    detector,
    severity,
    peakSeverity,
    score: 50,
    time: new Date(T0 + minute * 60_000).toISOString(),
    eventId: `e-${id}`,
    summary: `${detector} of ${agentId} at minute ${minute}`,
  };
}

describe('diffAlerts', () => {
  const opts = { windowMs: 30 * 60_000, examples: 2 };

  it('matches by id, then by agent and detector within the window, and reports the rest as appeared or disappeared', () => {
    const a = [
      incident('same', 'bot-1', 'rate_spike', 0),
      incident('moved-a', 'bot-1', 'rate_spike', 600), // trigger moved 10 min later in B: new id
      incident('gone', 'bot-2', 'off_hours', 100),
      incident('far-a', 'bot-3', 'rate_spike', 1000),
    ];
    const b = [
      incident('same', 'bot-1', 'rate_spike', 0),
      incident('moved-b', 'bot-1', 'rate_spike', 610),
      incident('far-b', 'bot-3', 'rate_spike', 1100), // 100 min away: another incident
      incident('new-1', 'bot-4', 'new_permission', 50, 'high'),
      incident('new-2', 'bot-4', 'new_permission', 20, 'high'),
      incident('new-3', 'bot-4', 'new_permission', 80, 'high'),
      incident('new-4', 'bot-5', 'new_permission', 10),
    ];
    const d = diffAlerts(a, b, opts);
    expect([d.alertsA, d.alertsB, d.matchedById, d.matchedByWindow]).toEqual([4, 7, 1, 1]);
    expect(d.disappeared.map((g) => [g.detector, g.agentId, g.count, g.examples.map((e) => e.id)])).toEqual([
      ['off_hours', 'bot-2', 1, ['gone']],
      ['rate_spike', 'bot-3', 1, ['far-a']],
    ]);
    // Grouped by detector, then the agent with most first; the earliest examples, at most two.
    expect(d.appeared.map((g) => [g.detector, g.agentId, g.count, g.examples.map((e) => e.id)])).toEqual([
      ['new_permission', 'bot-4', 3, ['new-2', 'new-1']],
      ['new_permission', 'bot-5', 1, ['new-4']],
      ['rate_spike', 'bot-3', 1, ['far-b']],
    ]);
    expect(d.appeared[0]?.examples[0]).toEqual({
      id: 'new-2',
      time: '2026-03-10T00:20:00.000Z',
      severity: 'high',
      summary: 'new_permission of bot-4 at minute 20',
    });
    expect(d.severityChanged).toEqual([]);
    expect(d.byDetector).toEqual([
      { detector: 'new_permission', a: 0, b: 4, appeared: 4, disappeared: 0, severityChanged: 0 },
      { detector: 'off_hours', a: 1, b: 0, appeared: 0, disappeared: 1, severityChanged: 0 },
      { detector: 'rate_spike', a: 3, b: 3, appeared: 1, disappeared: 1, severityChanged: 0 },
    ]);
  });

  it('reports severity changes of matched incidents by their peak, and pairs each with the nearest in time', () => {
    const a = [
      incident('x', 'bot-1', 'rate_spike', 0, 'medium', 'high'),
      incident('y1', 'bot-2', 'error_rate', 100, 'medium'),
      incident('z', 'bot-3', 'new_sensitive_resource', 0, 'high'),
    ];
    const b = [
      incident('x', 'bot-1', 'rate_spike', 0, 'medium', 'medium'), // escalated in A only
      incident('y2', 'bot-2', 'error_rate', 80, 'low'),
      incident('y3', 'bot-2', 'error_rate', 105, 'critical'), // nearer to A's than y2
      incident('z', 'bot-3', 'new_sensitive_resource', 0, 'high'),
    ];
    const d = diffAlerts(a, b, opts);
    expect([d.matchedById, d.matchedByWindow]).toEqual([2, 1]);
    expect(d.severityChanged.map((g) => [g.detector, g.agentId, g.examples.map((e) => [e.idA, e.idB, e.from, e.to])])).toEqual([
      ['error_rate', 'bot-2', [['y1', 'y3', 'medium', 'critical']]],
      ['rate_spike', 'bot-1', [['x', 'x', 'high', 'medium']]],
    ]);
    expect(d.appeared.map((g) => g.examples.map((e) => e.id))).toEqual([['y2']]);
    expect(d.disappeared).toEqual([]);
  });

  it('finds nothing between identical runs', () => {
    const a = [incident('p', 'bot-1', 'rate_spike', 0), incident('q', 'bot-2', 'off_hours', 5)];
    const d = diffAlerts(a, [...a], opts);
    expect([d.appeared, d.disappeared, d.severityChanged, d.matchedById]).toEqual([[], [], [], 2]);
  });
});
