import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { AGENT_SNAPSHOT_VERSION } from '../../../src/core/baselines/agent-baseline-snapshot.js';
import { checkAgentSnapshot } from '../../../src/core/baselines/agent-snapshot-schema.js';
import type { EngineSnapshot } from '../../../src/core/engine.js';
import { SCENARIO_CUT, scenarioDeclared, scenarioEvents } from '../../helpers/snapshot-v1-scenario.js';
import { engineWith, run } from '../../helpers/traffic.js';

// Written by agentwatch at c168fdb (before issue 18 item 4 moved the detectors' state into their
// files), from test/helpers/snapshot-v1-scenario.ts stopped at SCENARIO_CUT, with the alerts that
// build raised after restoring it. A changelog or state file of that build must go on the same.
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
const snapshot = fixture('engine-snapshot-v1.json') as EngineSnapshot;
const alertsAfter = fixture('engine-snapshot-v1.alerts-after.json') as Alert[];

describe('a version 1 snapshot written before the detectors owned their state', () => {
  it('holds every detector state live at the cut, and passes the schema', () => {
    expect(snapshot.agents.map((a) => a.v)).toEqual([AGENT_SNAPSHOT_VERSION, AGENT_SNAPSHOT_VERSION, AGENT_SNAPSHOT_VERSION]);
    for (const a of snapshot.agents) checkAgentSnapshot(a, 'fixture');
    const [office, shift, steady] = snapshot.agents;
    expect(steady?.bucket).toMatchObject({ flagged: true, errorFlagged: true, suspicious: 4 });
    expect(steady?.ratios.bins.length).toBeGreaterThan(0);
    expect(steady?.tailMultiplier).toBeGreaterThan(0);
    expect(steady?.permissions?.length).toBeGreaterThan(0);
    expect(steady?.sensitive?.length).toBeGreaterThan(0);
    expect(steady?.locations?.pending).toBeDefined();
    expect(office?.hour).toMatchObject({ idle: true, flagged: true });
    expect(office?.hour.evidence.length).toBeGreaterThan(0);
    expect(shift?.hour).toMatchObject({ idle: false, policyFlagged: true });
  });

  it('restores into an engine that raises the same alerts afterwards as the build that wrote it', () => {
    const engine = engineWith({}, scenarioDeclared);
    engine.restore(structuredClone(snapshot));
    const after = run(
      engine,
      scenarioEvents().filter((e) => e.timeMs >= SCENARIO_CUT),
    );
    expect(after.map((a) => `${a.detector} ${a.agentId}`).sort()).toEqual([
      'multi_location steady',
      'new_permission steady',
      'new_sensitive_resource steady',
      'policy_violation shift',
      'policy_violation shift',
      'rate_spike office',
    ]);
    expect(JSON.parse(JSON.stringify(after))).toEqual(alertsAfter);
  });

  it('is written back as it was read', () => {
    const engine = engineWith({}, scenarioDeclared);
    engine.restore(structuredClone(snapshot));
    expect(JSON.parse(JSON.stringify(engine.snapshot()))).toEqual(snapshot);
  });
});
