import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { EngineContext } from '../engine-context.js';
import type { AuditEvent } from '../events/audit-event.js';
import type { FindingPattern } from '../feedback/finding-pattern.js';

export const DetectorName = {
  RateSpike: 'rate_spike',
  NewSensitiveResource: 'new_sensitive_resource',
  NewSensitiveAction: 'new_sensitive_action',
  OffHours: 'off_hours',
  ErrorRate: 'error_rate',
  NewPermission: 'new_permission',
  PolicyViolation: 'policy_violation',
  MultiLocation: 'multi_location',
  RateDrop: 'rate_drop',
  NewToolTarget: 'new_tool_target',
  NewToolTransition: 'new_tool_transition',
} as const;
export type DetectorName = (typeof DetectorName)[keyof typeof DetectorName];

export const Severity = { Low: 'low', Medium: 'medium', High: 'high', Critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export type Observation = Record<string, string | number | boolean | null | readonly string[]>;

/** What a detector reports; the engine turns it into an alert (id, cooldown, maturity). */
export interface Finding {
  detector: DetectorName;
  severity: Severity;
  /** 0–100. */
  score: number;
  summary: string;
  observed: Observation;
  expected: Observation;
  evidence: readonly string[];
  /** Which baseline judged it: the agent's learned one, or declarations. */
  basis: 'learned' | 'declared' | 'class';
  /** The event it is about when not the one at hand (a tick's finding: a silence names the last event before it). */
  eventId?: string;
}

/**
 * A detector is a small synchronous function over (baseline, event), run after the event is
 * counted in the baseline. A detector owns its part of the baseline: it may remember what it
 * needs (the sensitive resources seen) and mark what was anomalous (so it is not learned at full
 * weight), but touches nothing else.
 */
export interface Detector {
  readonly name: DetectorName;
  /** Silent while the agent is learning (declared rules apply from the first event). */
  readonly learned: boolean;
  readonly enabled: (ctx: EngineContext) => boolean;
  readonly check: (ctx: EngineContext, agent: AgentBaseline, event: AuditEvent) => Finding | undefined;
  /**
   * After a finding is suppressed (an analyst marked the pattern normal), lets the detector fire
   * again in the same window should the observation grow past what was accepted; the window is
   * then also learned as normal rather than as an anomaly.
   */
  readonly rearm?: (agent: AgentBaseline) => void;
  /**
   * Judged from the engine's fleet-wide event-time tick (Engine.tick), for what no event shows:
   * an agent gone silent. `nowMs` is the stream's (or partition's) watermark on a whole minute.
   */
  readonly tick?: (ctx: EngineContext, agent: AgentBaseline, nowMs: number) => Finding | undefined;
  /** How often (event time, a multiple of a minute) `tick` needs to run: the engine scans its agents no more often. */
  readonly tickEveryMs?: (ctx: EngineContext) => number;
  /** The latest event time at which the condition behind this detector's open incident still held: it stays open until `cooldownMs` after. */
  readonly heldUntil?: (agent: AgentBaseline) => number | undefined;
  /** What feedback on a finding accepts or withdraws (none: feedback closes the incident only). */
  readonly pattern?: (finding: Finding, agent: AgentBaseline) => FindingPattern;
  /** A `confirmed` verdict unlearns the first use behind the pattern `key`, so the next use is flagged again. */
  readonly forget?: (agent: AgentBaseline, key: string) => void;
  /**
   * A rate incident's magnitude as a bucket closes (the detector fires as the count crosses its
   * threshold, below the bucket's final count): the incident's magnitude, and an accepted
   * pattern, grow to the busiest bucket the incident spans.
   */
  readonly bucketMagnitude?: (ctx: EngineContext, count: number) => number;
}

export function clampScore(x: number): number {
  return Math.max(0, Math.min(100, Math.round(x)));
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
