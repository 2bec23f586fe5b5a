import { type Detector, DetectorName } from './detector.js';

/**
 * The first request by an agent of a permission it has never asked for. A permission matching a
 * declared `privileged` pattern is high severity at once, even while the agent learns (except, as
 * for sensitive resources, at a cold start, when every request is a first one). Other new
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
    if (privileged) {
      const coldStart = ctx.settings.newSensitiveResource.quietColdStart && agent.firstSeenMs < ctx.stream.startedAtMs + ctx.settings.learningPeriodMs;
      if (learning && coldStart) return undefined;
    } else if (learning || agent.declaration?.expectedPermissions || (agent.peers && !agent.lastNewPermissionForClass)) {
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
      expected: { knownPermissions: known, ...(privileged && { matchedPrivilegedPattern: privileged.pattern }), ...(agent.agentClass !== undefined && { peerGroup: agent.agentClass }) },
      evidence: [event.id],
      basis: privileged ? 'declared' : 'learned',
    };
  },
};
