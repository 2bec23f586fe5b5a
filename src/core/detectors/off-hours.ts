import { Type } from '@sinclair/typebox';
import { minuteOfWeek } from '../time/timezone.js';
import { type Detector, DetectorName, type Observation, clampScore } from './detector.js';

const pad = (n: number) => String(n).padStart(2, '0');

// Settings: composed into the engine settings as `engine.offHours` (engine-settings.ts).
export const OffHoursSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    minEvents: Type.Integer({ minimum: 1, default: 10, description: 'Events within one idle local hour before it is a burst, not a stray.' }),
    idleEventsPerWeek: Type.Number({
      minimum: 0,
      default: 12,
      description: 'An hour of the day counts as idle when it and the hours either side saw at most this many events in a typical week (weekly EWMA).',
    }),
    weeklyAlpha: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3, description: 'EWMA weight of each new week in the hour-of-week profile.' }),
  },
  { default: {} },
);

// ---------------------------------------------------------------------------------------------
// State: `agent.offHours`, for the live local hour only (dropped when the next hour opens), created
// on the first event of an idle hour or when the detector fires. Its snapshot is `hour.flagged` and
// `hour.evidence` (snapshot version 1). Whether the hour is idle is the baseline's (`hourIdle`):
// policy_violation reads it too.

export interface OffHoursSnapshot {
  flagged: boolean;
  evidence: string[];
}

/** What off_hours remembers of the live local hour. */
export class OffHoursState {
  /** Whether off_hours fired in this hour (it is then learned at a discount). */
  flagged = false;
  /** The idle hour's first events (up to evidenceLimit). */
  evidence: string[] = [];

  snapshot(): OffHoursSnapshot {
    return { flagged: this.flagged, evidence: this.evidence.slice() };
  }

  /** Undefined for the state of an hour with nothing in it. */
  static restore(s: OffHoursSnapshot): OffHoursState | undefined {
    if (!s.flagged && s.evidence.length === 0) return undefined;
    const state = new OffHoursState();
    state.flagged = s.flagged;
    state.evidence = s.evidence.slice();
    return state;
  }
}

/**
 * A burst (≥ minEvents in one local hour) in an hour where the agent's own week says it is idle:
 * that hour of the day, with its neighbours, saw at most `idleEventsPerWeek` events in a week.
 * A single stray event never qualifies. An agent with declared `activeHours` is judged by them
 * while it is still learning, so a new agent is not a blind spot.
 */
export const offHours: Detector = {
  name: DetectorName.OffHours,
  learned: true,
  enabled: (ctx) => ctx.settings.offHours.enabled,
  check(ctx, agent, event) {
    const minEvents = ctx.settings.offHours.minEvents;
    if (agent.offHours?.flagged === true || agent.hourCount < minEvents) return undefined;
    let basis: 'learned' | 'declared' | 'class' = agent.hourBasis;
    if (!agent.hourIdle) {
      const declared = agent.declaration?.activeHours;
      if (!declared || !agent.isLearning(ctx) || declared.isActive(minuteOfWeek(event.timeMs + agent.hourOffsetMs))) return undefined;
      basis = 'declared';
    }
    const state = (agent.offHours ??= new OffHoursState());
    state.flagged = true;
    const localHour = agent.hourSlot % 24;
    const tz = agent.timezone ?? 'UTC';
    const usual = agent.profile.weekly(agent.hourSlot);
    const window = `${pad(localHour)}:00–${pad((localHour + 1) % 24)}:00 ${tz}`;
    return {
      detector: DetectorName.OffHours,
      severity: agent.hourCount >= 5 * minEvents ? 'high' : 'medium',
      score: clampScore(50 + 10 * Math.log2(agent.hourCount / minEvents)),
      summary:
        basis !== 'declared'
          ? `${agent.agentId} made ${agent.hourCount} calls between ${window}, an hour in which ${basis === 'class' ? `its peer group ${agent.agentClass} is` : 'it is'} idle every day of the week.`
          : `${agent.agentId} made ${agent.hourCount} calls between ${window}, outside its declared active hours (${agent.declaration?.activeHours?.specs.join(', ')}).`,
      observed: { eventsThisHour: agent.hourCount, localHour: `${pad(localHour)}:00`, timezone: tz },
      expected: (basis !== 'declared'
        ? { usualEventsThisHour: Number.isNaN(usual) ? 0 : Math.round(usual * 100) / 100, idleBandEventsPerWeekAtMost: ctx.settings.offHours.idleEventsPerWeek }
        : { activeHours: agent.declaration?.activeHours?.specs ?? [] }) as Observation,
      evidence: state.evidence.length ? state.evidence.slice() : [event.id],
      basis,
    };
  },
  rearm(agent) {
    if (agent.offHours) agent.offHours.flagged = false;
  },
  pattern: (_finding, agent) => ({ key: `hour:${agent.hourSlot % 24}` }),
};
