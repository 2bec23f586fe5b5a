import { Type } from '@sinclair/typebox';
import type { AuditEvent } from '../events/audit-event.js';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import { minuteOfWeek } from '../time/timezone.js';
import { type Detector, DetectorName, type Finding } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';

function violation(
  agent: AgentBaseline,
  event: AuditEvent,
  rule: string,
  observed: Finding['observed'],
  expected: Finding['expected'],
  summary: string,
  severity: Finding['severity'] = 'high',
): Finding {
  return {
    detector: DetectorName.PolicyViolation,
    severity,
    score: severity === 'high' ? 75 : 60,
    summary: `${agent.agentId} ${summary}`,
    observed: { rule, ...observed },
    expected,
    evidence: [event.id],
    basis: 'declared',
  };
}

// State: `agent.policyViolation`, for the live local hour only (dropped when the next hour
// opens), created when the hour is reported as outside the declared active hours; its snapshot is
// `hour.policyFlagged` (snapshot version 1). The other rules judge each event alone.
export class PolicyViolationState {
  /** Whether this hour was already reported as outside the declared active hours. */
  activeHoursFlagged = false;
}

// Settings: composed into the engine settings as `engine.policyViolation` (engine-settings.ts).
export const PolicyViolationSettingsSchema = Type.Object({ enabled: Type.Boolean({ default: true }) }, { default: {} });

/**
 * Declared expectations in `baselines/` (allowed regions, expected permissions, resource
 * allowlists, a maximum rate, active hours) alert from the first event, with no learning period.
 * Activity outside declared active hours needs a burst (`offHours.minEvents` in the local hour),
 * not a stray call; while the agent learns, and whenever its own week says the hour is idle,
 * off_hours reports it (one alert, not two): policy_violation covers what only the declaration
 * forbids — an agent that habitually works outside the hours it was declared for.
 */
export const policyViolation: Detector = {
  name: DetectorName.PolicyViolation,
  learned: false,
  enabled: (ctx) => ctx.settings.policyViolation.enabled,
  check(ctx, agent, event) {
    const d = agent.declaration;
    if (d === undefined) return undefined;
    if (
      d.activeHours &&
      agent.policyViolation?.activeHoursFlagged !== true &&
      !agent.hourIdle &&
      !agent.isLearning(ctx) &&
      agent.hourCount >= ctx.settings.offHours.minEvents &&
      !d.activeHours.isActive(minuteOfWeek(event.timeMs + agent.hourOffsetMs))
    ) {
      (agent.policyViolation ??= new PolicyViolationState()).activeHoursFlagged = true;
      return violation(
        agent,
        event,
        'activeHours',
        { eventsThisHour: agent.hourCount, timezone: agent.timezone ?? 'UTC' },
        { activeHours: d.activeHours.specs },
        `made ${agent.hourCount} calls this hour, outside its declared active hours (${d.activeHours.specs.join(', ')}, ${agent.timezone ?? 'UTC'}).`,
        'medium',
      );
    }
    if (d.expectedPermissions && event.permission !== undefined && agent.permissions?.lastNew === true && !d.expectedPermissions.match(event.permission)) {
      return violation(
        agent,
        event,
        'expectedPermissions',
        { permission: event.permission, outcome: event.outcome },
        { expectedPermissions: d.expectedPermissions.patterns },
        `requested permission ${event.permission}, which is not among its expected permissions.`,
      );
    }
    const region = event.source?.region;
    if (d.allowedRegions && region !== undefined && !d.allowedRegions.includes(region)) {
      return violation(
        agent,
        event,
        'allowedRegions',
        { region, ip: event.source?.ip ?? null },
        { allowedRegions: d.allowedRegions },
        `acted from region ${region}, outside its allowed regions (${d.allowedRegions.join(', ')}).`,
      );
    }
    if (d.allowedResources && event.resource !== undefined && !d.allowedResources.match(event.resource)) {
      return violation(
        agent,
        event,
        'allowedResources',
        { resource: event.resource, action: event.action },
        { allowedResources: d.allowedResources.patterns },
        `touched ${event.resource}, outside its allowed resources.`,
      );
    }
    if (d.maxEventsPerMinute !== undefined && agent.bucketCount === d.maxEventsPerMinute + 1) {
      return violation(
        agent,
        event,
        'maxEventsPerMinute',
        { eventsThisBucket: agent.bucketCount },
        { maxEventsPerMinute: d.maxEventsPerMinute },
        `exceeded its declared maximum of ${d.maxEventsPerMinute} calls a minute.`,
        'medium',
      );
    }
    return undefined;
  },
  pattern(finding, agent) {
    const o = finding.observed;
    const rule = patternValue(o['rule']);
    if (rule === 'maxEventsPerMinute') return { key: rule, magnitude: Number(o['eventsThisBucket']) };
    if (rule === 'activeHours') return { key: `${rule}:${agent.hourSlot % 24}` };
    return { key: `${rule}:${patternValue(o['region'] ?? o['permission'] ?? o['resource'])}` };
  },
};
