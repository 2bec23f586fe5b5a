import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { Config } from '../../src/config/config-schema.js';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import { lockstepReplay } from '../../src/pipeline/lockstep-replay.js';
import { replay } from '../../src/pipeline/replay.js';
import type { AlertSink } from '../../src/sinks/alert-sink.js';
import { ROOT } from '../helpers/cli.js';
import { writeSmallFleet } from '../helpers/fleet-files.js';

const collect = (into: Alert[]): AlertSink => ({ name: 'memory', write: (a) => void into.push(a), close: async () => {} });

describe('lockstepReplay', () => {
  it('gives every lane exactly what a separate replay of its config gives: alerts, rejects, late events', async () => {
    const fleet = writeSmallFleet();
    const baselines = loadBaselinesDir(fleet.baselines).baselines;
    const base = loadConfig(undefined, {}).config;
    const variant = (patch: (c: Config) => void): Config => {
      const c = structuredClone(base);
      patch(c);
      return parseConfig(c);
    };
    const lineLengths = fleet.lines.map((l) => l.length).sort((a, b) => a - b);
    const configs = [
      base,
      variant((c) => {
        c.engine.rateSpike.minCount = 5;
        c.engine.rateSpike.windows.tailProbability = 1e-4;
      }),
      // A narrower reorder window and a byte limit that rejects the longest tenth of the lines.
      variant((c) => {
        c.input.latenessMs = 5_000;
        c.input.maxEventBytes = lineLengths[Math.floor(lineLengths.length * 0.9)] as number;
      }),
    ];
    const lanes = configs.map((config) => ({ config, baselines, alerts: [] as Alert[] }));
    const summary = await lockstepReplay(
      [fleet.events],
      lanes.map((l) => ({ config: l.config, baselines, onAlert: (a: Alert) => void l.alerts.push(a) })),
    );
    expect(summary.lines).toBe(fleet.lines.length);

    for (const [i, lane] of lanes.entries()) {
      const alone: Alert[] = [];
      const { summary: s } = await replay({ files: [fleet.events], config: lane.config, baselines, sinks: [collect(alone)] });
      expect(alone.length, `lane ${i}`).toBeGreaterThan(0);
      expect(lane.alerts, `lane ${i}`).toEqual(alone);
      const l = summary.lanes[i];
      expect(l?.accepted, `lane ${i}`).toBe(s.accepted);
      expect(l?.rejected, `lane ${i}`).toEqual(s.rejected);
      expect(l?.lateEvents, `lane ${i}`).toBe(s.lateEvents);
      expect(l?.alerts, `lane ${i}`).toBe(s.alerts);
      expect(l?.messages, `lane ${i}`).toBe(s.alerts + s.updates + s.resolved);
    }
    // The variants really differ from the base: more rate spikes; rejected lines and more late events.
    const spikes = (alerts: Alert[]) => alerts.filter((a) => a.detector === 'rate_spike' && a.status === 'open').length;
    expect(spikes(lanes[1]!.alerts)).toBeGreaterThan(spikes(lanes[0]!.alerts));
    expect(summary.lanes[2]?.rejected['too_large']).toBeGreaterThan(0);
    expect(summary.lanes[0]?.rejected).toEqual({});
    expect(summary.lanes[2]!.lateEvents).toBeGreaterThan(summary.lanes[0]!.lateEvents);
  });

  it('reads foreign formats and whole documents as replay does (Entra, OCSF, OTel lines; a CloudTrail delivery file)', async () => {
    const files = [
      'test/formats/entra/fixtures/replay-privileged-grant.jsonl',
      'test/formats/ocsf/fixtures/replay-first-secret.jsonl',
      'test/formats/otel/fixtures/replay-sensitive-tool.jsonl',
      'test/formats/cloudtrail/fixtures/s3-delivery.json',
    ].map((f) => join(ROOT, f));
    const baselines = loadBaselinesDir(join(ROOT, 'baselines/packs/azure')).baselines;
    const base = loadConfig(undefined, {}).config;
    const quick = structuredClone(base);
    quick.engine.learningPeriodMs = 3_600_000;
    quick.engine.minLearningEvents = 5;
    const configs = [base, parseConfig(quick)];
    const lanes = configs.map((config) => ({ config, alerts: [] as Alert[] }));
    const summary = await lockstepReplay(
      files,
      lanes.map((l) => ({ config: l.config, baselines, onAlert: (a: Alert) => void l.alerts.push(a) })),
    );
    for (const [i, lane] of lanes.entries()) {
      const alone: Alert[] = [];
      const { summary: s } = await replay({ files, config: lane.config, baselines, sinks: [collect(alone)] });
      expect(lane.alerts, `lane ${i}`).toEqual(alone);
      expect([summary.lanes[i]?.accepted, summary.lanes[i]?.rejected, summary.lanes[i]?.skipped], `lane ${i}`).toEqual([s.accepted, s.rejected, s.skipped]);
      expect(summary.lines, `lane ${i}`).toBe(s.lines);
    }
    expect(summary.lanes[0]!.accepted).toBeGreaterThan(100);
    expect(lanes[1]!.alerts.filter((a) => a.detector === 'new_permission').length).toBeGreaterThan(0);
  });

  it('refuses lanes that would read the files differently', async () => {
    const base = loadConfig(undefined, {}).config;
    const other = structuredClone(base);
    other.input.format = 'cloudtrail';
    const lane = (config: Config) => ({ config, baselines: loadBaselinesDir(join(ROOT, 'baselines/packs/azure')).baselines, onAlert: () => {} });
    await expect(lockstepReplay([], [lane(base), lane(parseConfig(other))])).rejects.toThrow(
      /read the files differently \(input\.format or input\.maxDocumentBytes\)/,
    );
  });
});
