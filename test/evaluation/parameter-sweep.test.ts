import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import { evaluateAlerts } from '../../src/evaluation/evaluate-alerts.js';
import { runSweep } from '../../src/evaluation/parameter-sweep.js';
import { expandSweep } from '../../src/evaluation/sweep-settings.js';
import { replay } from '../../src/pipeline/replay.js';
import { writeSmallFleet } from '../helpers/fleet-files.js';

describe('runSweep', () => {
  const fleet = writeSmallFleet();
  const base = loadConfig(undefined, {}).config;
  // The in-bucket rule's minCount is the knob here; the scan windows (issue 14) would blur it.
  base.engine.rateSpike.windows.enabled = false;
  const settings = expandSweep(base, ['engine.rateSpike.minCount=5,20', 'engine.offHours.enabled=true,false']);

  it('gives each setting exactly the alerts of a separate replay with its config, in one thread or in workers', async () => {
    const inline = await runSweep({ files: [fleet.events], settings, baselinesDir: fleet.baselines, jobs: 1, keepIncidents: true, labels: fleet.labelList });
    const threaded = await runSweep({ files: [fleet.events], settings, baselinesDir: fleet.baselines, jobs: 2, keepIncidents: true, labels: fleet.labelList });
    expect(inline.jobs).toBe(1);
    expect(threaded.jobs).toBe(2);
    expect(threaded.settings).toEqual(inline.settings);
    expect(inline.accepted).toBe(fleet.lines.length);
    expect(inline.days).toBeCloseTo(12, 1);

    const baselines = loadBaselinesDir(fleet.baselines).baselines;
    for (const s of inline.settings) {
      const alerts: Alert[] = [];
      const hash = createHash('sha256');
      const { summary } = await replay({
        files: [fleet.events],
        config: settings[s.index]!.config,
        baselines,
        sinks: [{ name: 'memory', write: (a) => void (alerts.push(a), hash.update(`${JSON.stringify(a)}\n`)), close: async () => {} }],
      });
      // Byte for byte what `replay --output` would write, and the same counts.
      expect(s.digest, s.label).toBe(hash.digest('hex'));
      expect(s.messages, s.label).toBe(alerts.length);
      expect(s.alerts, s.label).toBe(summary.alerts);
      const byDetector = Object.fromEntries(
        Object.entries(summary.alertsByDetector).map(([d, bySeverity]) => [d, Object.values(bySeverity).reduce((a, b) => a + b, 0)]),
      );
      expect(s.alertsByDetector, s.label).toEqual(byDetector);
      const opening = alerts.filter((a) => a.status === undefined || a.status === 'open');
      expect(
        s.incidents?.map((i) => [i.id, i.agentId, i.detector, i.time, i.severity]),
        s.label,
      ).toEqual(opening.map((a) => [a.id, a.agentId, a.detector, a.time, a.severity]));
      // Labelled scores are those of `agentwatch eval` on that replay's alerts.
      const evaluation = evaluateAlerts(alerts, fleet.labelList);
      expect(
        s.score?.byDetector.map((d) => [d.detector, d.recall, d.medianDelaySeconds]),
        s.label,
      ).toEqual(evaluation.byDetector.map((d) => [d.detector, d.recall, d.medianDelaySeconds]));
      expect(s.score?.falseAlerts, s.label).toBe(evaluation.falseAlerts.length);
      expect(s.totalPerDay, s.label).toBeCloseTo(summary.alerts / inline.days, 1);
    }

    // The settings really differ, in the direction their values say.
    const at = (minCount: number, offHours: boolean) =>
      inline.settings.find((s) => s.values['engine.rateSpike.minCount'] === minCount && s.values['engine.offHours.enabled'] === offHours)!;
    expect(at(5, true).alertsByDetector['rate_spike']).toBeGreaterThan(at(20, true).alertsByDetector['rate_spike'] ?? 0);
    expect(at(20, false).alertsByDetector['off_hours']).toBeUndefined();
    expect(at(20, true).alertsByDetector['off_hours']).toBeGreaterThan(0);
    expect(at(20, true).isBase).toBe(true);
  });

  it('scores recall, precision and median detection delay against labels', async () => {
    const r = await runSweep({
      files: [fleet.events],
      settings: settings.filter((s) => s.values['engine.rateSpike.minCount'] === 20),
      baselinesDir: fleet.baselines,
      jobs: 1,
      labels: fleet.labelList,
    });
    const [on, off] = r.settings;
    const detector = (s: typeof on, d: string) => s?.score?.byDetector.find((x) => x.detector === d);
    expect(on?.score?.labels).toBe(fleet.labelList.length);
    // With every detector on, most labelled anomalies are found, soon after they start, and most alerts are real.
    expect(on?.score?.recall).toBeGreaterThanOrEqual(0.6);
    expect(on?.score?.precision).toBeGreaterThanOrEqual(0.5);
    expect(on?.score?.medianDelaySeconds).toBeGreaterThanOrEqual(0);
    expect(on?.score?.medianDelaySeconds).toBeLessThan(3600);
    expect(detector(on, 'off_hours')?.detected).toBe(1);
    // Switching off_hours off loses exactly its label.
    expect(detector(off, 'off_hours')?.detected).toBe(0);
    expect(off?.score?.detected).toBe((on?.score?.detected ?? 0) - 1);
    expect(off?.score?.recall).toBeLessThan(on?.score?.recall ?? 0);
  });
});
