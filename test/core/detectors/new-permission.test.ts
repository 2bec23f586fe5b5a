import { describe, expect, it } from 'vitest';
import { DAY, HOUR, T0, engineWith, event, merge, run } from '../../helpers/traffic.js';

const declared = { privileged: [{ pattern: 'iam:Attach*Policy' }] };
const ask = (agent: string, t: number, permission: string, agentClass?: string) =>
  event(agent, t, { category: 'permission_request', action: 'sts:AssumeRole', permission, ...(agentClass && { agentClass }) });
/** Requests its two usual permissions every hour for `days`. */
function usual(agent: string, days: number, agentClass?: string) {
  const out = [];
  for (let t = T0; t < T0 + days * DAY; t += HOUR) out.push(ask(agent, t, 'storage.read', agentClass), ask(agent, t + 60_000, 'queue.send', agentClass));
  return out;
}

describe('new_permission', () => {
  it('flags the first request of a never-requested permission after learning, once', () => {
    const at = T0 + 9 * DAY + 30 * 60_000;
    const alerts = run(engineWith({}, declared), merge(usual('bot', 10), [ask('bot', at, 'secrets.write'), ask('bot', at + HOUR, 'secrets.write')]));
    expect(alerts.map((a) => [a.detector, a.severity, a.time])).toEqual([['new_permission', 'medium', new Date(at).toISOString()]]);
    expect(alerts[0]?.observed['permission']).toBe('secrets.write');
  });

  it('flags a privileged permission at once, even while the agent is learning', () => {
    const newcomer = T0 + 8 * DAY;
    const alerts = run(engineWith({}, declared), merge(usual('bot', 10), [ask('fresh', newcomer, 'iam:AttachRolePolicy')]));
    expect(alerts.map((a) => [a.detector, a.agentId, a.severity, a.baseline.learning])).toEqual([['new_permission', 'fresh', 'critical', true]]);
  });

  it('speaks for a privileged grant at a cold start (issue 15), not for ordinary first requests or a rollout its peers already request', () => {
    const cold = [ask('ops', T0 + HOUR, 'iam:AttachRolePolicy'), ask('ops', T0 + 2 * HOUR, 'storage.read')];
    const rollout = T0 + 9 * DAY;
    const events = merge(usual('a', 10, 'indexer'), usual('b', 10, 'indexer'), cold, [
      ask('a', rollout, 'search.reindex', 'indexer'),
      ask('b', rollout + 17 * 60_000, 'search.reindex', 'indexer'),
    ]);
    const alerts = run(engineWith({}, declared), events);
    // The first replica to pick the release up is new for the class; the second is not.
    expect(alerts.map((a) => [a.detector, a.agentId, a.time, a.severity])).toEqual([
      ['new_permission', 'ops', new Date(T0 + HOUR).toISOString(), 'critical'],
      ['new_permission', 'a', new Date(rollout).toISOString(), 'medium'],
    ]);
  });
});
