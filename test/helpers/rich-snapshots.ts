import type { AgentSnapshot } from '../../src/core/baselines/agent-baseline-snapshot.js';
import { DAY, HOUR, MINUTE, T0, engineWith, event, merge, run, traffic } from './traffic.js';

/** Snapshots with every optional part present (locations, permissions, sensitive, an open incident, a class, a deploy grace): for schema tests and benches. */
export function richSnapshots(): AgentSnapshot[] {
  const home = { ip: '52.23.1.10', region: 'us-east-1', country: 'US', session: 's-1', sessionBound: true };
  const probe = T0 + 12 * DAY + 9 * HOUR;
  const foreign = T0 + 13 * DAY + 4 * HOUR;
  const spike = T0 + 13 * DAY + 13 * HOUR;
  const engine = engineWith({}, { sensitive: [{ pattern: 'vault/*', label: 'secrets' }], tools: [{ tool: '*pay*', target: ['payee'], label: 'payee' }] });
  // An AI agent's tool calls: new_tool_target's and new_tool_transition's state.
  const tool = (t: number, name: string, trace: string, payee?: string) =>
    event('quiet', t, {
      action: `tool:${name}`,
      resource: `tool:${name}`,
      attributes: { tool: name, traceId: trace, ...(payee !== undefined && { 'tool.arg.payee': payee }) },
    });
  // Stopped right after the spike, while its incident is open.
  const events = merge(
    traffic('steady', T0, T0 + 14 * DAY, () => 6, 1, { source: home }),
    Array.from({ length: 30 }, (_, i) => event('steady', probe + i * 5_000, { action: `iam.list${i % 4}`, outcome: 'denied', source: home })),
    [
      event('steady', T0 + 2 * HOUR, { category: 'permission_request', permission: 'queue.send' }),
      event('steady', T0 + 12 * DAY, { category: 'resource_access', resource: 'vault/new' }),
    ],
    traffic('steady', foreign, foreign + 6 * MINUTE, () => 2, 9, { source: { ip: '191.232.71.199', region: 'brazilsouth', country: 'BR' } }),
    traffic('steady', spike, spike + 8 * MINUTE, () => 90, 3),
    traffic('quiet', T0, T0 + DAY, () => 1, 4, { agentClass: 'batch', tenant: 't1' }),
    [tool(T0 + HOUR, 'read_inbox', 'tr-1'), tool(T0 + HOUR + 5_000, 'pay_invoice', 'tr-1', 'acme'), tool(T0 + 2 * HOUR, 'read_inbox', 'tr-2')],
    // A deploy after the spike: its grace is in the snapshot, the spike's incident still open.
    [event('steady', spike + 8 * MINUTE + 30_000, { action: 'ecs:UpdateService', source: home })],
  );
  run(
    engine,
    events.filter((e) => e.timeMs < spike + 9 * MINUTE),
  );
  return JSON.parse(JSON.stringify(engine.snapshot().agents)) as AgentSnapshot[];
}
