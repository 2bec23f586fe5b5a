import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import type { DeclaredBaselinesDocument } from '../../../src/core/baselines/declared-baselines-schema.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from '../../helpers/traffic.js';

const iso = (ms: number) => new Date(ms).toISOString();
const DEPLOY = T0 + 10 * DAY + 10 * HOUR;
const SPIKE = DEPLOY + 30 * MINUTE;
/** After the 2 h grace: a larger spike, which nothing excuses. */
const LATER = DEPLOY + 5 * HOUR;

const declared: DeclaredBaselinesDocument = {
  privileged: [{ pattern: 'iam:*' }],
  agents: [{ match: { agentId: 'svc' }, maxEventsPerMinute: 80 }],
};

const ask = (t: number, permission: string) => event('svc', t, { category: 'permission_request', action: 'sts:AssumeRole', permission });

/** `svc`: 6 calls/min for 11 days; a roll-out at DEPLOY (when `deploy`), then 90/min for 8 min, a new and a privileged permission, and later a 150/min spike. */
function traffic11Days(deploy: boolean): AuditEvent[] {
  return merge(
    traffic('svc', T0, T0 + 11 * DAY, () => 6, 1),
    deploy ? [event('svc', DEPLOY, { action: 'ecs:UpdateService', resource: 'arn:aws:ecs:eu-west-1:1:service/app' })] : [],
    traffic('svc', SPIKE, SPIKE + 8 * MINUTE, () => 90, 3),
    [ask(SPIKE + 20 * MINUTE, 'queue.send'), ask(SPIKE + 25 * MINUTE, 'iam:PassRole')],
    traffic('svc', LATER, LATER + 5 * MINUTE, () => 150, 4),
  );
}

const opened = (alerts: readonly Alert[]) => alerts.map((a) => [a.detector, a.baseline.basis, a.time.slice(0, 16)]);

describe('grace period after a deploy event', () => {
  it('holds back learned alerts for graceMs, counts them, and alerts on declared rules throughout', () => {
    const withDeploy = engineWith({}, declared);
    const alerts = run(withDeploy, traffic11Days(true));
    const byDetector = alerts.map((a) => [a.detector, a.baseline.basis, a.time.slice(0, 16)]);
    // In grace: the 90/min spike breaks the declared maximum (policy_violation) and the
    // privileged grant alerts; rate_spike and the new ordinary permission are held back.
    expect(byDetector).toEqual([
      ['policy_violation', 'declared', iso(SPIKE).slice(0, 16)],
      ['new_permission', 'declared', iso(SPIKE + 25 * MINUTE).slice(0, 16)],
      // After the grace, the learned detectors alert again.
      ['rate_spike', 'learned', iso(LATER).slice(0, 16)],
      ['policy_violation', 'declared', iso(LATER).slice(0, 16)],
    ]);
    expect(alerts.find((a) => a.detector === 'new_permission')?.observed['permission']).toBe('iam:PassRole');
    expect(withDeploy.stats.graceHeld).toBe(2);
    const grace = withDeploy.snapshotAgent('svc')?.grace;
    expect(grace).toMatchObject({ deployMs: DEPLOY, untilMs: DEPLOY + 2 * HOUR, action: 'ecs:UpdateService' });
    // One would-be alert per detector: the spike's repeated findings fold like an incident's triggers.
    expect(grace?.held.map(([d, n]) => [d, n]).sort()).toEqual([
      ['new_permission', 1],
      ['rate_spike', 1],
    ]);
  });

  it('without the deploy event (or with deployActions: []) the same change alerts', () => {
    const expected = [
      ['rate_spike', SPIKE],
      ['policy_violation', SPIKE],
      // The privileged grant 5 min later folds into this incident (cooldown).
      ['new_permission', SPIKE + 20 * MINUTE],
      ['rate_spike', LATER],
      ['policy_violation', LATER],
    ].map(([d, t]) => [d, iso(t as number).slice(0, 16)]);
    const noDeploy = engineWith({}, declared);
    expect(run(noDeploy, traffic11Days(false)).map((a) => [a.detector, a.time.slice(0, 16)])).toEqual(expected);
    const off = engineWith({ grace: { deployActions: [] } }, declared);
    expect(run(off, traffic11Days(true)).map((a) => [a.detector, a.time.slice(0, 16)])).toEqual(expected);
    expect(off.stats.graceHeld).toBe(0);
    expect(off.snapshotAgent('svc')?.grace).toBeUndefined();
  });

  it('learns the change as normal instead of discounting it', () => {
    const until = T0 + 10 * DAY + 11 * HOUR;
    const grace = engineWith({}, declared);
    run(
      grace,
      traffic11Days(true).filter((e) => e.timeMs < until),
    );
    const alerted = engineWith({}, declared);
    run(
      alerted,
      traffic11Days(false).filter((e) => e.timeMs < until),
    );
    // 8 min at 90/min: learned in full the 1-day mean rises by about 8·84·α; discounted, by 2 % of that.
    const rise = (e: ReturnType<typeof engineWith>) => (e.agent('svc')?.slow.mean ?? 0) - 6;
    expect(rise(grace)).toBeGreaterThan(5 * Math.max(rise(alerted), 0.01));
  });

  it('a failed deploy, another agent, and a deploy long ago open no grace', () => {
    const failed = merge(
      traffic('svc', T0, T0 + 11 * DAY, () => 6, 1),
      [event('svc', DEPLOY, { action: 'ecs:UpdateService', outcome: 'denied' }), event('other', DEPLOY, { action: 'lambda:UpdateFunctionCode20150331v2' })],
      traffic('svc', SPIKE, SPIKE + 8 * MINUTE, () => 90, 3),
    );
    const engine = engineWith({}, {});
    expect(run(engine, failed).map((a) => [a.agentId, a.detector])).toEqual([['svc', 'rate_spike']]);
    // The other agent's deploy (a glob default: lambda:UpdateFunctionCode*) opened its own grace only.
    expect(engine.snapshotAgent('other')?.grace?.action).toBe('lambda:UpdateFunctionCode20150331v2');
    expect(engine.snapshotAgent('svc')?.grace).toBeUndefined();
  });
});

describe('declared maintenance windows', () => {
  const spike = (at: number) =>
    merge(
      traffic('svc', T0, T0 + 11 * DAY, () => 6, 1),
      traffic('svc', at, at + 8 * MINUTE, () => 90, 3),
      [ask(at + 10 * MINUTE, 'iam:PassRole')],
    );
  const window = { from: iso(SPIKE - 10 * MINUTE), to: iso(SPIKE + HOUR), label: 'CHG-42' };

  it('holds back learned alerts inside an explicit window (matched by class) and alerts after it', () => {
    const doc: DeclaredBaselinesDocument = { privileged: [{ pattern: 'iam:*' }], agents: [{ match: { agentClass: 'workers' }, maintenance: [window] }] };
    const events = spike(SPIKE).map((e) => ({ ...e, agentClass: 'workers' }));
    const inside = engineWith({}, doc);
    expect(opened(run(inside, events)).map(([d, b]) => [d, b])).toEqual([['new_permission', 'declared']]);
    expect(inside.snapshotAgent('svc')?.grace?.held).toEqual([['rate_spike', 1, expect.any(Number)]]);
    // The same spike two hours later is outside the window.
    const after = engineWith({}, doc);
    expect(
      run(
        after,
        spike(SPIKE + 2 * HOUR).map((e) => ({ ...e, agentClass: 'workers' })),
      ).map((a) => a.detector),
    ).toEqual(['rate_spike', 'new_permission']);
    expect(after.stats.graceHeld).toBe(0);
  });

  it("a weekly window applies in the agent's time zone", () => {
    // Thursday 2026-03-12, after the US DST change: 15:00-17:00 New York is 19:00-21:00 UTC.
    const doc = (weekly: string): DeclaredBaselinesDocument => ({
      agents: [{ match: { agentId: 'svc' }, timezone: 'America/New_York', maintenance: [{ weekly }] }],
    });
    const at = T0 + 10 * DAY + 19 * HOUR + 30 * MINUTE;
    const held = engineWith({}, doc('Thu 15:00-17:00'));
    expect(run(held, spike(at)).map((a) => a.detector)).toEqual([]);
    // No privileged pattern declared here: iam:PassRole is an ordinary new permission, held too.
    expect(held.stats.graceHeld).toBe(2);
    // Read as UTC, the window would have ended before the spike.
    const utc = engineWith({}, { agents: [{ match: { agentId: 'svc' }, maintenance: [{ weekly: 'Thu 15:00-17:00' }] }] });
    expect(run(utc, spike(at)).map((a) => a.detector)).toEqual(['rate_spike', 'new_permission']);
  });
});
