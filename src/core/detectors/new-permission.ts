import { Type } from '@sinclair/typebox';
import { type Detector, DetectorName } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';

// Settings: composed into the engine settings as `engine.newPermission` (engine-settings.ts).
export const NewPermissionSettingsSchema = Type.Object({ enabled: Type.Boolean({ default: true }) }, { default: {} });

/**
 * The first request by an agent of a permission it has never asked for. A permission matching a
 * declared `privileged` pattern is high severity at once, even while the agent learns and at a
 * cold start. Other new
 * permissions alert once the agent's baseline is mature, unless its peers (same agentClass)
 * already request it: that is a rollout, not one agent going astray. Agents with declared
 * `expectedPermissions` are judged by policy_violation instead.
 */
export const newPermission: Detector = {
  name: DetectorName.NewPermission,
  learned: false,
  enabled: (ctx) => ctx.settings.newPermission.enabled,
  check(ctx, agent, event) {
    const permission = event.permission;
    if (!agent.lastNewPermission || permission === undefined) return undefined;
    const learning = agent.isLearning(ctx);
    const privileged = ctx.declared.privileged.match(permission);
    // A privileged grant speaks from the first event, cold start or not (issue 15, item 4): at
    // the start of a capture, the first AssumeRole into an admin role is a one-off inventory of
    // the admin-capable agents, worth having, not the flood of ordinary first reads.
    if (!privileged && (learning || agent.declaration?.expectedPermissions || (agent.peers && !agent.lastNewPermissionForClass))) {
      return undefined;
    }
    const known = (agent.permissions?.size ?? 1) - 1;
    const granted = event.outcome === 'success';
    return {
      detector: DetectorName.NewPermission,
      severity: privileged ? (granted ? 'critical' : 'high') : 'medium',
      score: privileged ? (granted ? 90 : 80) : 55,
      summary:
        `${agent.agentId} requested ${privileged ? 'privileged ' : ''}permission ${permission} for the first time (${event.outcome})` +
        (agent.peers ? `; no ${agent.agentClass} peer has requested it either` : '') +
        `. It had requested ${known} other permission${known === 1 ? '' : 's'} before.`,
      observed: { permission, action: event.action, outcome: event.outcome, privileged: privileged !== undefined },
      expected: {
        knownPermissions: known,
        ...(privileged && { matchedPrivilegedPattern: privileged.pattern }),
        ...(privileged?.why !== undefined && { why: privileged.why }),
        ...(agent.agentClass !== undefined && { peerGroup: agent.agentClass }),
      },
      evidence: [event.id],
      basis: privileged ? 'declared' : 'learned',
    };
  },
  pattern: (finding) => ({ key: patternValue(finding.observed['permission']) }),
  forget: (agent, key) => agent.permissions?.forget(key),
};
