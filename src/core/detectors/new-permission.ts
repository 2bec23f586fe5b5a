import { Type } from '@sinclair/typebox';
import type { ClassBaseline } from '../baselines/class-baseline.js';
import { SeenSet } from '../baselines/seen-set.js';
import { type Detector, DetectorName } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';

// Settings: composed into the engine settings as `engine.newPermission` (engine-settings.ts).
export const NewPermissionSettingsSchema = Type.Object({ enabled: Type.Boolean({ default: true }) }, { default: {} });

// State: `agent.permissions`, created on the agent's first permission request (counted by the
// baseline whatever detectors are on: peer groups and policy_violation's expectedPermissions use
// it too). Its snapshot is `permissions`, the remembered set (snapshot version 1).

/**
 * The permissions an agent requested (a SeenSet: one object per agent, not a set inside a
 * wrapper), and what the request just recorded was new to.
 */
export class NewPermissionState extends SeenSet {
  /** Whether the event just recorded requested a permission new for this agent… */
  lastNew = false;
  /** …and for its peer group (its class's set learns it at the same time). */
  lastNewForClass = false;

  record(permission: string, timeMs: number, peers: ClassBaseline | undefined): void {
    this.lastNew = this.touch(permission, timeMs);
    this.lastNewForClass = peers !== undefined && peers.permissions.touch(permission, timeMs);
  }
}

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
    const state = agent.permissions;
    if (permission === undefined || state === undefined || !state.lastNew) return undefined;
    const learning = agent.isLearning(ctx);
    const privileged = ctx.declared.privileged.match(permission);
    // A privileged grant speaks from the first event, cold start or not (issue 15, item 4): at
    // the start of a capture, the first AssumeRole into an admin role is a one-off inventory of
    // the admin-capable agents, worth having, not the flood of ordinary first reads.
    if (!privileged && (learning || agent.declaration?.expectedPermissions || (agent.peers && !state.lastNewForClass))) {
      return undefined;
    }
    const known = state.size - 1;
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
