import { describe, expect, it } from 'vitest';
import { formatDelay, lowerMedian, medianDetectionDelaySeconds } from '../../src/evaluation/detection-delay.js';
import { type Label, evaluateAlerts } from '../../src/evaluation/evaluate-alerts.js';

const label = (id: string, detector: string, agentId: string, start: string, end: string): Label => ({ id, detector, agentId, start, end });
const alert = (id: string, detector: string, agentId: string, time: string, status?: string) => ({ id, detector, agentId, time, ...(status && { status }) });

describe('detection delay', () => {
  it('measures each label from its start to the first alert of its detector and agent, and takes the lower median', () => {
    const labels = [
      label('l1', 'rate_spike', 'a', '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z'),
      label('l2', 'rate_spike', 'b', '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z'),
      label('l3', 'off_hours', 'a', '2026-03-11T02:00:00Z', '2026-03-11T03:00:00Z'),
      label('l4', 'off_hours', 'c', '2026-03-11T02:00:00Z', '2026-03-11T03:00:00Z'), // missed
    ];
    const alerts = [
      alert('x1', 'rate_spike', 'a', '2026-03-10T10:02:00Z'),
      alert('x1', 'rate_spike', 'a', '2026-03-10T10:01:00Z', 'update'), // lifecycle messages do not count
      alert('x2', 'rate_spike', 'a', '2026-03-10T10:20:00Z'),
      alert('x3', 'rate_spike', 'b', '2026-03-10T09:50:00Z'), // within the grace before the start: delay 0
      alert('x4', 'off_hours', 'a', '2026-03-11T03:10:00Z'),
      alert('x5', 'rate_spike', 'c', '2026-03-11T02:10:00Z'), // wrong detector for l4
    ];
    const e = evaluateAlerts(alerts, labels);
    expect(e.detections).toEqual([
      { labelId: 'l3', detector: 'off_hours', agentId: 'a', delaySeconds: 4200 },
      { labelId: 'l1', detector: 'rate_spike', agentId: 'a', delaySeconds: 120 },
      { labelId: 'l2', detector: 'rate_spike', agentId: 'b', delaySeconds: 0 },
    ]);
    expect(e.byDetector.map((d) => [d.detector, d.medianDelaySeconds])).toEqual([
      ['off_hours', 4200],
      ['rate_spike', 0],
    ]);
    expect(medianDetectionDelaySeconds(e)).toBe(120);
  });

  it('lower median, and delays written for people', () => {
    expect(lowerMedian([])).toBeNull();
    expect(lowerMedian([5])).toBe(5);
    expect(lowerMedian([30, 10, 20, 40])).toBe(20);
    expect([formatDelay(null), formatDelay(42.4), formatDelay(600), formatDelay(4 * 3600 + 1800)]).toEqual(['-', '42 s', '10 min', '4.5 h']);
  });
});
