import type { Alert } from '../../src/core/alerts/alert.js';

/** A complete alert message as the engine emits it; `n` makes ids and times distinct. */
export function testAlert(n: number, overrides: Partial<Alert> = {}): Alert {
  const time = new Date(Date.UTC(2026, 2, 2, 10, n)).toISOString();
  return {
    id: `a${String(n).padStart(31, '0')}`,
    agentId: `agent-${n % 3}`,
    agentClass: 'invoice-summarizer',
    detector: 'rate_spike',
    severity: 'high',
    score: 80,
    time,
    detectedAt: time,
    summary: `agent-${n % 3} made ${400 + n} calls/min, 11× its usual peak of 37`,
    observed: { eventsPerMinute: 400 + n },
    expected: { p99PerMinute: 37 },
    evidence: [`e${n}`],
    baseline: { events: 50_000, days: 14, learning: false, basis: 'learned' },
    eventId: `e${n}`,
    status: 'open',
    episode: { revision: 0, count: 1, firstTime: time, lastTime: time, peakScore: 80, peakObserved: { eventsPerMinute: 400 + n } },
    ...overrides,
  };
}
