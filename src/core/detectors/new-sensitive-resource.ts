import { Type } from '@sinclair/typebox';
import { SeenSet } from '../baselines/seen-set.js';
import { type Detector, DetectorName } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';
import { HOUSEKEEPING, createsResource, describeAct } from './describe-act.js';

// State: `agent.sensitive`, a SeenSet shared with new_sensitive_action (actions' keys are prefixed with
// ACTION_KEY_PREFIX), created on the agent's first sensitive access; its snapshot is `sensitive`.

// Settings: composed into the engine settings as `engine.newSensitiveResource` (engine-settings.ts).
export const NewSensitiveResourceSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    quietColdStart: Type.Boolean({
      default: true,
      description:
        'At a cold start every access is a first access: agents already active in the first learningPeriodMs of the stream learn their sensitive resources silently until their own learning ends. Agents that appear later are judged from their first event. Set false to alert on everything from the first event (or warm-start from saved state).',
    }),
  },
  { default: {} },
);

/**
 * First access by this agent to a resource (or permission, where the pattern says so) matching
 * a declared `sensitive` pattern. Declared, so it needs no learning: an agent that joins a running
 * fleet is judged from its first event (medium while it learns: a new agent meets its own secrets
 * once; high after). Only at a cold start (`quietColdStart`), when every access of every agent is
 * a first one, do the agents already present learn their sensitive resources silently until their
 * own learning ends.
 *
 * Not a first access of someone else's resource (issue 15, item 5): one the agent creates with
 * this very call (CreateSecret, CreateSnapshot), and one touched by a declared sensitive action,
 * which new_sensitive_action reports under the act's own name (a snapshot shared out).
 */
export const newSensitiveResource: Detector = {
  name: DetectorName.NewSensitiveResource,
  learned: false,
  enabled: (ctx) => ctx.settings.newSensitiveResource.enabled && (ctx.declared.sensitiveResources.size > 0 || ctx.declared.sensitivePermissions.size > 0),
  check(ctx, agent, event) {
    // A platform's own upkeep, marked by its adapter (a control-plane component's own token secret): not news.
    if (event.attributes?.[HOUSEKEEPING] === true) return undefined;
    let target = event.resource;
    let match = target === undefined ? undefined : ctx.declared.sensitiveResources.match(target);
    if (match === undefined && event.permission !== undefined) {
      target = event.permission;
      match = ctx.declared.sensitivePermissions.match(target);
    }
    if (match === undefined || target === undefined) return undefined;
    const seen = (agent.sensitive ??= new SeenSet(ctx.settings.seen.maxSensitiveResources, ctx.settings.seen.forgetAfterMs));
    const previous = ctx.touches.get(target);
    ctx.touches.record(target, { agentId: agent.agentId, action: event.action, timeMs: event.timeMs });
    const known = seen.has(target, event.timeMs);
    const before = seen.size;
    seen.touch(target, event.timeMs);
    if (known) return undefined;
    if (event.outcome === 'success' && createsResource(event.action)) return undefined;
    if (ctx.settings.newSensitiveAction.enabled && ctx.declared.sensitiveActions.match(event) !== undefined) return undefined;
    const learning = agent.isLearning(ctx);
    if (learning && ctx.settings.newSensitiveResource.quietColdStart && agent.firstSeenMs < ctx.stream.startedAtMs + ctx.settings.learningPeriodMs) {
      return undefined;
    }
    const denied = event.outcome !== 'success';
    const act = describeAct(event.action);
    const other = previous !== undefined && previous.agentId !== agent.agentId ? previous : undefined;
    const otherText = other === undefined ? '' : ` Last touched by ${other.agentId} (${other.action}, ${new Date(other.timeMs).toISOString()}).`;
    return {
      detector: DetectorName.NewSensitiveResource,
      severity: learning ? 'medium' : 'high',
      score: learning ? 55 : denied ? 70 : 80,
      summary:
        `${agent.agentId} ${denied ? `tried (${event.outcome}) to ${act === 'read the value of' ? 'read the value of' : 'access'}` : act} ${match.label} resource ${target} ` +
        `for the first time (${event.action}); it had touched ${before} sensitive resources before.${otherText}`,
      observed: {
        resource: target,
        label: match.label,
        action: event.action,
        act,
        outcome: event.outcome,
        ...(other !== undefined && { lastTouchedBy: other.agentId, lastTouchedWith: other.action, lastTouchedAt: new Date(other.timeMs).toISOString() }),
      },
      expected: { knownSensitiveResources: before, matchedPattern: match.pattern, ...(match.why !== undefined && { why: match.why }) },
      evidence: [event.id],
      basis: 'declared',
    };
  },
  pattern: (finding) => ({ key: patternValue(finding.observed['resource']) }),
  forget: (agent, key) => agent.sensitive?.forget(key),
};
