import type { SourceLoc } from './geo.js';
import type { Rng, WeightedTable } from './prng.js';

/** The default kinds: one per detector, each labelled with that detector's name. */
export const ANOMALY_KINDS = ['rate_spike', 'new_sensitive_resource', 'off_hours', 'multi_location', 'new_permission', 'error_rate'] as const;

export type DefaultKind = (typeof ANOMALY_KINDS)[number];

/**
 * Rate changes for the rate detectors, opt-in (`kinds`): a short burst and a longer rise (both
 * `rate_spike`) and a silence (`rate_drop`), placed on quiet and on busy agents alike.
 */
export const RATE_KINDS = ['burst', 'rise', 'silence'] as const;

/**
 * Changes that are not attacks, opt-in: a `rollout` (a deploy event, then a new traffic shape
 * for an hour or two) that a grace period (engine.grace, issue 14 item 7) should absorb.
 */
export const CHANGE_KINDS = ['rollout'] as const;

/** Every kind the generator knows, in placement order (the defaults first; a new kind goes last, so existing fleets stay byte-identical). */
export const ALL_KINDS = [...ANOMALY_KINDS, ...RATE_KINDS, ...CHANGE_KINDS] as const;
export type AnomalyKind = (typeof ALL_KINDS)[number];
export type RateKind = (typeof RATE_KINDS)[number];

/** The detector a kind's labels name (the label's `detector`; the kind is its `kind`). */
export const KIND_DETECTOR: Readonly<Record<AnomalyKind, string>> = {
  rate_spike: 'rate_spike',
  new_sensitive_resource: 'new_sensitive_resource',
  off_hours: 'off_hours',
  multi_location: 'multi_location',
  new_permission: 'new_permission',
  error_rate: 'error_rate',
  burst: 'rate_spike',
  rise: 'rate_spike',
  silence: 'rate_drop',
  // Nothing should alert on a roll-out the deploy event announced.
  rollout: 'none',
};

export const ARCHETYPES = ['steady', 'business', 'nightly', 'weekly', 'heavy', 'growth', 'sparse'] as const;
export type Archetype = (typeof ARCHETYPES)[number];

export type Category = 'api_call' | 'resource_access' | 'permission_request';
export type Outcome = 'success' | 'failure' | 'denied';
export type Cloud = 'aws' | 'azure' | 'k8s';

export interface FleetOptions {
  seed: number;
  /** Number of agents (default 40). */
  agents?: number;
  /** Length of the period in days (default 28). */
  days?: number;
  /** First day, YYYY-MM-DD, taken as UTC midnight (default 2026-03-02: both 2026 DST changes fall inside 28 days). */
  start?: string;
  /** Multiplies every agent's event rate (default 1 ≈ 5–6 M events for 40 agents × 28 days). */
  scale?: number;
  /** Anomaly kinds to inject (default ANOMALY_KINDS; RATE_KINDS are opt-in). */
  kinds?: readonly AnomalyKind[];
  /** Multiplies the number of injected anomalies per kind (default 1 ≈ 3 per kind per 40 agents per 3 weeks). */
  anomalyRate?: number;
  /** Share of events written 1–45 s after their time order (default 0.01). */
  lateFraction?: number;
  /** Share of events written 2–10 min after their time order (default 0.0005). */
  veryLateFraction?: number;
  /** No anomaly starts before this many days from the start (default 8). */
  learningDays?: number;
  /**
   * Share of agents made quiet: 0.1–0.6 events/min on average while active, whatever `scale`
   * (default 0, which keeps existing fleets byte-identical). Sparse pollers are quiet by nature
   * and are not picked.
   */
  quietShare?: number;
}

export interface ResolvedOptions {
  seed: number;
  agents: number;
  days: number;
  start: string;
  startMs: number;
  scale: number;
  kinds: readonly AnomalyKind[];
  anomalyRate: number;
  lateFraction: number;
  veryLateFraction: number;
  learningDays: number;
  quietShare: number;
}

/** Per-agent mutable state that resource templates read (the day's date, counters). */
export interface ResCtx {
  date: string;
  datePath: string;
  hour: string;
  seq: number;
}

export type ResourceGen = (ctx: ResCtx, rng: Rng) => string;

export interface Op {
  cat: Category;
  action: string;
  res: ResourceGen | undefined;
}

export interface RoutineRead {
  action: string;
  resource: string;
  /** `hourly`: read in an active hour with probability p; `run`: read at the start of each batch run. */
  cadence: 'hourly' | 'run';
  p: number;
}

export interface RegionPool {
  region: string;
  country: string;
  weight: number;
  ips: SourceLoc[];
  /** Kubernetes pods: private pod IPs that churn daily. */
  pod: boolean;
  podOctet: number;
}

export interface ArchetypeParams {
  diurnalAmp: number;
  peakHour: number;
  weekendFactor: number;
  /** Business hours, local minutes after midnight. */
  dayStart: number;
  dayEnd: number;
  strayPerDay: number;
  /** Batch jobs: local start minute, length and intensity of the daily/weekly run. */
  burstAt: number;
  burstMinutes: number;
  burstFactor: number;
  burstWeekday: number;
  growthPerDay: number;
  pollEvery: number;
  heavyProb: number;
}

export interface AgentProfile {
  index: number;
  id: string;
  agentClass: string;
  tenant: string;
  cloud: Cloud;
  archetype: Archetype;
  timezone: string;
  declared: boolean;
  /** Events per minute at the archetype's nominal level, after the scale factor. */
  baseRate: number;
  /** One of the `quietShare` agents: rate set to 0.1–0.6 events/min while active. */
  quiet: boolean;
  params: ArchetypeParams;
  ops: WeightedTable<Op>;
  burstOps: WeightedTable<Op>;
  permissions: string[];
  /** Ordinary permissions the agent could plausibly ask for one day (new_permission anomalies). */
  extraPermissions: string[];
  permAction: string;
  routine: RoutineRead[];
  errorRatio: number;
  deniedShare: number;
  chronicDenied: Op | undefined;
  regions: RegionPool[];
  /** Region names the agent legitimately calls from. */
  homeRegions: string[];
  vars: Record<string, string>;
  ctx: ResCtx;
  /** `"agentId":…,"agentClass":…,"tenant":…` pre-serialized: most of every line is this. */
  json: string;
}

export interface GenEvent {
  t: number;
  agent: AgentProfile;
  cat: Category;
  action: string;
  resource: string | undefined;
  permission: string | undefined;
  outcome: Outcome;
  src: SourceLoc;
  /** Index of the anomaly this event belongs to, or -1 for normal traffic. */
  label: number;
}

export interface AnomalyPlan {
  index: number;
  kind: AnomalyKind;
  agent: AgentProfile;
  startMs: number;
  endMs: number;
  description: string;
  details: Record<string, string | number | string[]>;
  /** Makes the anomaly's events (called once, when generation reaches its day). */
  build: () => GenEvent[];
  /** Filled in while the events are generated. */
  eventCount: number;
  evidence: string[];
}

export interface Label {
  id: string;
  /** The detector that should catch it (KIND_DETECTOR). */
  detector: string;
  /** What was injected: the generator's kind (`burst`, `silence`, `off_hours`…). */
  kind: AnomalyKind;
  agentId: string;
  agentClass: string;
  start: string;
  end: string;
  description: string;
  eventCount: number;
  evidence: string[];
  details: Record<string, string | number | string[]>;
}

/** Things that look anomalous but are normal, recorded so a tuner can explain false positives. */
export interface Trap {
  kind: string;
  agentId?: string;
  agentClass?: string;
  start: string;
  end?: string;
  description: string;
}
