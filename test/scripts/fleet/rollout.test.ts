// A fleet with roll-out days (issue 14, item 7): replayed with the deploy actions configured
// (the default) the learned detectors hold back during the grace and inspect counts what they
// held; replayed without, the same roll-outs alert.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, createFleet, type FleetSummary, type Label, writeFleet } from '../../../scripts/fleet/generate-fleet.js';
import { loadBaselinesDir } from '../../../src/config/load-baselines.js';
import type { Config } from '../../../src/config/config-schema.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Alert } from '../../../src/core/alerts/alert.js';
import type { Engine } from '../../../src/core/engine.js';
import { replay } from '../../../src/pipeline/replay.js';
import { saveWarmState } from '../../../src/state/warm-start.js';
import { cli } from '../../helpers/cli.js';

const OPTIONS = { seed: 21, agents: 12, days: 10, scale: 0.5, kinds: ['rollout'], anomalyRate: 25 } as const;
const GRACE_MS = 2 * 3_600_000;

async function replayFleet(fleet: FleetSummary, dir: string, deployActions?: string[]): Promise<{ alerts: Alert[]; engine: Engine }> {
  const { config } = loadConfig(undefined, {});
  const engineConfig =
    deployActions === undefined ? config : ({ ...config, engine: { ...config.engine, grace: { ...config.engine.grace, deployActions } } } as Config);
  const alerts: Alert[] = [];
  const { engine } = await replay({
    files: [fleet.eventsFile],
    config: engineConfig,
    baselines: loadBaselinesDir(join(dir, 'baselines')).baselines,
    sinks: [{ name: 'memory', write: (a) => void alerts.push(a), close: async () => {} }],
  });
  return { alerts: alerts.filter((a) => a.status === undefined || a.status === 'open'), engine };
}

/** Opening alerts of the label's agent from its deploy to the end of the grace (or of the new shape, if later). */
function inRollout(alerts: readonly Alert[], l: Label): Alert[] {
  const start = Date.parse(l.start);
  const end = Math.max(Date.parse(l.end), start + GRACE_MS);
  return alerts.filter((a) => a.agentId === l.agentId && Date.parse(a.time) >= start && Date.parse(a.time) < end);
}

describe('a fleet with roll-out days', () => {
  let dir = '';
  let labels: Label[] = [];
  let withGrace: { alerts: Alert[]; engine: Engine };
  let without: { alerts: Alert[]; engine: Engine };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-rollout-'));
    const fleet = await writeFleet(OPTIONS, dir);
    labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Label);
    withGrace = await replayFleet(fleet, dir);
    without = await replayFleet(fleet, dir, []);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('labels roll-outs: a deploy by the agent, then more calls on new resources, nothing expected to alert', () => {
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels.map((l) => l.details['deployAction'])).size).toBeGreaterThanOrEqual(2);
    for (const l of labels) {
      expect(l).toMatchObject({ kind: 'rollout', detector: 'none' });
      expect(['ecs:UpdateService', 'patch deployments', 'Microsoft.Web/sites/publish/action']).toContain(l.details['deployAction']);
      expect(l.eventCount).toBeGreaterThan(100);
    }
  });

  it("is opt-in and placed last: adding it leaves the other kinds' anomalies where they were", () => {
    const plan = (kinds: readonly string[]) =>
      createFleet({ ...OPTIONS, anomalyRate: 3, kinds: kinds as never })
        .labels()
        .filter((l) => l.kind !== 'rollout')
        .map((l) => [l.kind, l.agentId, l.start, l.end, l.description]);
    expect(plan(ANOMALY_KINDS).length).toBeGreaterThan(3);
    expect(plan([...ANOMALY_KINDS, 'rollout'])).toEqual(plan(ANOMALY_KINDS));
    expect(createFleet({ seed: 1, agents: 12, days: 10 }).options.kinds).not.toContain('rollout');
  });

  it('without the deploy action configured, every roll-out raises learned alerts', () => {
    for (const l of labels) {
      const raised = inRollout(without.alerts, l).filter((a) => a.baseline.basis !== 'declared');
      expect(
        raised.map((a) => a.detector),
        l.agentId,
      ).toContain('rate_spike');
    }
    expect(without.engine.stats.graceHeld).toBe(0);
  });

  it('with it (the default), no learned alert in the grace, and the held ones are counted', () => {
    for (const l of labels) {
      expect(
        inRollout(withGrace.alerts, l)
          .filter((a) => a.baseline.basis !== 'declared')
          .map((a) => [a.detector, a.time]),
        l.agentId,
      ).toEqual([]);
      const grace = withGrace.engine.snapshotAgent(l.agentId)?.grace;
      expect(grace?.action).toBe(l.details['deployAction']);
      expect(grace?.held.some(([d]) => d === 'rate_spike')).toBe(true);
    }
    // Everything else is as before: only the roll-out agents' alerts in their grace are gone.
    const outside = (alerts: readonly Alert[]) => alerts.filter((a) => !labels.some((l) => inRollout([a], l).length > 0)).map((a) => a.id);
    expect(outside(withGrace.alerts)).toEqual(outside(without.alerts));
    expect(withGrace.engine.stats.graceHeld).toBeGreaterThanOrEqual(labels.length);
  });

  it('inspect shows the deploy and the alerts held back (text and JSON)', async () => {
    const { config } = loadConfig(undefined, {});
    const state = join(dir, 'rollout.state.json.gz');
    saveWarmState(state, withGrace.engine.snapshot(), { files: ['rollout'] }, config, undefined);
    const l = labels[0] as Label;
    const json = await cli(['inspect', l.agentId, '--state', state, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const grace = JSON.parse(json.stdout).grace;
    expect(grace.lastDeploy).toMatchObject({ action: l.details['deployAction'], at: expect.stringMatching(/^\d{4}-/) });
    expect(Date.parse(grace.lastDeploy.at)).toBeGreaterThanOrEqual(Date.parse(l.start));
    expect(grace.heldAlerts['rate_spike'].alerts).toBeGreaterThanOrEqual(1);
    expect(grace.heldTotal).toBeGreaterThanOrEqual(1);
    const text = await cli(['inspect', l.agentId, '--state', state]);
    expect(text.stdout).toContain(`Grace: last deploy ${l.details['deployAction']} at `);
    expect(text.stdout).toMatch(/\n {2}Held back in grace: \d+ alerts? \(.*rate_spike \d+, last /);
  });
});
