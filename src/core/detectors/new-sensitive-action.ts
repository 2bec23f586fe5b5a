import { Type } from '@sinclair/typebox';
import { SeenSet } from '../baselines/seen-set.js';
import { HOUSEKEEPING } from './describe-act.js';
import { type Detector, DetectorName } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';

/** Keys of actions in the agent's sensitive SeenSet, apart from the resource ids beside them. */
export const ACTION_KEY_PREFIX = 'action ';

// State: `agent.sensitive`, a SeenSet shared with new_sensitive_resource (actions' keys are prefixed with
// ACTION_KEY_PREFIX), created on the agent's first sensitive access; its snapshot is `sensitive`.

// Settings: composed into the engine settings as `engine.newSensitiveAction` (engine-settings.ts).
export const NewSensitiveActionSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'First use by an agent of a declared sensitive action (`sensitive` entries with `field: action`), from the first event, cold start or not.',
    }),
  },
  { default: {} },
);

/**
 * First use by an agent of a declared sensitive action (`sensitive` entries with `field:
 * action`): logging torn down, data or access exposed, code changed under a running function,
 * a command run on a machine (issue 15, item 1). Declared, and rare by nature, so it speaks from
 * the first event even at a cold start (item 4): an agent that stops a trail in the first hour
 * of a capture is the finding. Medium while the agent learns, high after; high at once when the
 * entry's conditions on the request held (shared with `all`, ingress from 0.0.0.0/0), since the
 * condition is itself the exposure.
 */
export const newSensitiveAction: Detector = {
  name: DetectorName.NewSensitiveAction,
  learned: false,
  enabled: (ctx) => ctx.settings.newSensitiveAction.enabled && ctx.declared.sensitiveActions.size > 0,
  check(ctx, agent, event) {
    if (event.attributes?.[HOUSEKEEPING] === true) return undefined;
    const match = ctx.declared.sensitiveActions.match(event);
    if (match === undefined) return undefined;
    const seen = (agent.sensitive ??= new SeenSet(ctx.settings.seen.maxSensitiveResources, ctx.settings.seen.forgetAfterMs));
    const key = `${ACTION_KEY_PREFIX}${match.label} ${event.action}`;
    if (!seen.touch(key, event.timeMs)) return undefined;
    const learning = agent.isLearning(ctx);
    const exposed = match.conditions.length > 0;
    const denied = event.outcome !== 'success';
    const severity = exposed || !learning ? 'high' : 'medium';
    const target = event.resource ?? event.permission;
    return {
      detector: DetectorName.NewSensitiveAction,
      severity,
      score: severity === 'high' ? (denied ? 70 : 80) : 55,
      summary:
        `${agent.agentId} ${denied ? `tried (${event.outcome}) to call` : 'called'} ${event.action} (${match.label}) for the first time` +
        (target === undefined ? '' : ` on ${target}`) +
        (exposed ? ` with ${match.conditions.join(', ')}` : '') +
        (match.why === undefined ? '.' : `: ${match.why.replace(/\.?$/, '.')}`),
      observed: {
        action: event.action,
        label: match.label,
        outcome: event.outcome,
        resource: target ?? null,
        ...(exposed && { conditions: match.conditions }),
      },
      expected: { matchedPattern: match.pattern, ...(match.why !== undefined && { why: match.why }) },
      evidence: [event.id],
      basis: 'declared',
    };
  },
  // The key the detector remembers the action by.
  pattern: (finding) => ({ key: `${ACTION_KEY_PREFIX}${patternValue(finding.observed['label'])} ${patternValue(finding.observed['action'])}` }),
  forget: (agent, key) => agent.sensitive?.forget(key),
};
