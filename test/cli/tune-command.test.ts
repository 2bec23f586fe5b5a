import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeSmallFleet } from '../helpers/fleet-files.js';

interface SettingJson {
  label: string;
  values: Record<string, number>;
  isBase: boolean;
  alerts: number;
  alertsByDetector: Record<string, number>;
  alertsPerDay: Record<string, number>;
  totalPerDay: number;
  digest: string;
  score: {
    recall: number;
    precision: number;
    falseAlerts: number;
    medianDelaySeconds: number | null;
    byDetector: { detector: string; labels: number; detected: number }[];
  };
}

describe('agentwatch tune', () => {
  const fleet = writeSmallFleet();

  it('sweeps a cartesian product: each setting raises what `agentwatch replay` with it raises, scored against labels', async () => {
    // The in-bucket rule's thresholds alone (the scan windows of issue 14 catch the small spike at any of them).
    const base = join(fleet.dir, 'in-bucket.yaml');
    writeFileSync(base, 'engine:\n  rateSpike:\n    windows: { enabled: false }\n');
    const r = await cli([
      'tune',
      fleet.events,
      '--baselines',
      fleet.baselines,
      '--labels',
      fleet.labels,
      '--config',
      base,
      '--set',
      'engine.rateSpike.minCount=5,20',
      '--set',
      'engine.rateSpike.peakMultiplier=1.5,2.5',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { accepted: number; days: number; keys: string[]; settings: SettingJson[] };
    expect(result.accepted).toBe(fleet.lines.length);
    expect(result.keys).toEqual(['engine.rateSpike.minCount', 'engine.rateSpike.peakMultiplier']);
    expect(result.settings.map((s) => s.label)).toEqual([
      'rateSpike.minCount=5 rateSpike.peakMultiplier=1.5',
      'rateSpike.minCount=5 rateSpike.peakMultiplier=2.5',
      'rateSpike.minCount=20 rateSpike.peakMultiplier=1.5',
      'rateSpike.minCount=20 rateSpike.peakMultiplier=2.5',
    ]);
    const [low, , , current] = result.settings as [SettingJson, SettingJson, SettingJson, SettingJson];
    expect(current.isBase).toBe(true);

    // The lowest setting replayed on its own gives the same alerts, byte for byte.
    const config = join(fleet.dir, 'low.yaml');
    writeFileSync(config, 'engine:\n  rateSpike:\n    minCount: 5\n    peakMultiplier: 1.5\n    windows: { enabled: false }\n');
    const out = join(fleet.dir, 'low-alerts.jsonl');
    const rep = await cli(['replay', fleet.events, '--baselines', fleet.baselines, '--config', config, '--output', out, '--no-progress']);
    expect(rep.status, rep.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(low.digest).toBe(createHash('sha256').update(text).digest('hex'));
    const opening = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status?: string; detector: string })
      .filter((a) => a.status === undefined || a.status === 'open');
    expect(low.alerts).toBe(opening.length);
    expect(low.alertsByDetector['rate_spike']).toBe(opening.filter((a) => a.detector === 'rate_spike').length);

    // Lower thresholds catch the labelled (small) rate spike the defaults miss, at the price of false alerts.
    const spikes = (s: SettingJson) => s.score.byDetector.find((d) => d.detector === 'rate_spike');
    expect(spikes(current)).toMatchObject({ labels: 1, detected: 0 });
    expect(spikes(low)).toMatchObject({ labels: 1, detected: 1 });
    expect(low.score.recall).toBeGreaterThan(current.score.recall);
    expect(low.score.falseAlerts).toBeGreaterThan(current.score.falseAlerts);
    expect(low.score.precision).toBeLessThan(current.score.precision);
    expect(low.alertsPerDay['rate_spike']).toBeCloseTo((low.alertsByDetector['rate_spike'] ?? 0) / result.days, 2);
    expect(current.alertsByDetector['rate_spike']).toBeUndefined();
  });

  it('prints a table: per setting, alerts per day by detector, total, recall, precision and median delay', async () => {
    const r = await cli([
      'tune',
      fleet.events,
      '--baselines',
      fleet.baselines,
      '--labels',
      fleet.labels,
      '--set',
      'engine.offHours.enabled=true,false',
      '--jobs',
      '1',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Swept 2 settings over 47,996 events \(12 days, .*\) in [\d.]+ s on 1 thread\.$/);
    const header = (lines.find((l) => l.startsWith('offHours.enabled')) as string).split(/\s{2,}/);
    // Only the detectors the setting changes get a column; the others are listed once.
    expect(header).toEqual(['offHours.enabled', 'off_hours', 'policy_violation', 'total/day', 'alerts', 'recall', 'precision', 'median delay']);
    expect(r.stdout).toMatch(
      /^Same in every setting \(alerts\/day\): error_rate 0\.08, multi_location 0\.08, new_permission 0\.33, new_sensitive_resource 0\.08, rate_spike 0\.08\.$/m,
    );
    const row = (value: string) => {
      const line = lines.find((l) => l.startsWith(`${value} `)) as string;
      return {
        marked: / \* /.test(line),
        ...Object.fromEntries(
          line
            .split(/\s{2,}/)
            .filter((c) => c !== '*')
            .map((c, i) => [header[i], c]),
        ),
      } as Record<string, string> & { marked: boolean };
    };
    const on = row('true');
    const off = row('false');
    expect([on.marked, off.marked]).toEqual([true, false]);
    // Every label caught: the small rate spike by a scan window (issue 14); 10 with the two privileged grants at the cold start (issue 15).
    expect(on).toMatchObject({ off_hours: '0.08', alerts: '10', recall: '1.00', 'median delay': expect.stringMatching(/^\d+ (s|min)$/) });
    expect(Number(on['total/day'])).toBeCloseTo(10 / 12, 2);
    expect(Number(on.precision)).toBeGreaterThan(0.5);
    // off_hours switched off: none of its alerts, its label missed.
    expect(off.off_hours).toBe('0');
    expect(Number(off.recall)).toBeLessThan(Number(on.recall));
    expect(r.stdout).toContain('* the configuration in use');
  });

  // Every other --set error is in test/evaluation/sweep-settings.test.ts; here, how the CLI reports them.
  it('rejects a bad --set with a clear message naming the key and the allowed range, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--set', 'engine.rateSpike.minCount=10,0'],
        /^agentwatch: --set engine\.rateSpike\.minCount: 0 is out of range; allowed: an integer ≥ 1, default 20 — .* \[AW_INVALID_CONFIG\]\n$/,
      ],
      [['--set', 'engine.rateSpike.minRatio=0.1'], /unknown key "minRatio" in engine\.rateSpike \(did you mean engine\.errorRate\.minRatio\?\)/],
      [['--set', 'engine.offHours.minEvents=1,2,3,4,5,6,7,8,9', '--set', 'engine.rateSpike.minCount=1,2,3,4,5,6,7,8'], /72 settings \(9 × 8\) is more than 64/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['tune', fleet.events, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('has --help with an example', async () => {
    const r = await cli(['tune', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--set <key=v1,v2,…>/);
    expect(r.stdout).toMatch(/Example:\n {2}agentwatch tune fixtures\/demo\/events\.jsonl\.gz/);
  });
});
