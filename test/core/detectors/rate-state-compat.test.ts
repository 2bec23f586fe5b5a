import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { engineWith } from '../../helpers/traffic.js';
import { RATE_STATE_CONFIGS, rateStateFleet, runTicking, splitAtCut } from '../../helpers/rate-state-fleet.js';

/**
 * Issue 14, item 6 packed the rate windows into one buffer and let rate_drop read their ring of
 * minutes. The fixture was written by main before that (c168fdb): the alerts of each config and
 * an engine snapshot taken in the middle of a silence, with a late event among the minutes
 * rate_drop counts (main counted it in its own minute, the windows in the open bucket).
 */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/rate-state-main-c168fdb.json', import.meta.url), 'utf8')) as {
  alerts: Record<string, string[]>;
  snapshot: unknown;
};
const line = (a: Alert) => `${a.id} ${a.detector} ${a.agentId} ${a.status ?? 'open'} ${a.time}`;

describe('rate state packed (issue 14, item 6) against what main raised and wrote', () => {
  const events = rateStateFleet();

  it.each(Object.entries(RATE_STATE_CONFIGS))('raises the same alerts as main with %s', (name, settings) => {
    expect(runTicking(engineWith(settings), events).map(line)).toEqual(fixture.alerts[name]);
  });

  it("restores main's snapshot, writes it back unchanged, and goes on to raise what main raised", () => {
    const [before, after] = splitAtCut(events);
    const engine = engineWith();
    engine.restore(structuredClone(fixture.snapshot) as Parameters<typeof engine.restore>[0]);
    expect(JSON.parse(JSON.stringify(engine.snapshot()))).toEqual(fixture.snapshot);
    const raisedBefore = runTicking(engineWith(), before).map(line);
    expect([...raisedBefore, ...runTicking(engine, after).map(line)]).toEqual(fixture.alerts['default']);
  });
});
