import { type Static, Type } from '@sinclair/typebox';
import { DetectorName, Severity } from '../detectors/detector.js';
import { type SameType, oneOf, readonlyArray } from '../record-validator.js';
import { type Alert, AlertStatus } from './alert.js';

// One type check per value rather than a union (anyOf builds an error for each branch missed).
const ObservationValue = Type.Unsafe<string | number | boolean | null | readonly string[]>({
  type: ['string', 'number', 'boolean', 'null', 'array'],
  items: { type: 'string' },
});
const ObservationSchema = Type.Record(Type.String(), ObservationValue);

const AlertEpisodeSchema = Type.Object({
  revision: Type.Number(),
  count: Type.Number(),
  firstTime: Type.String(),
  lastTime: Type.String(),
  peakScore: Type.Number(),
  peakObserved: ObservationSchema,
  resolvedTime: Type.Optional(Type.String()),
  resolution: Type.Optional(oneOf(['quiet', 'normal'] as const)),
});

/**
 * An alert as agentwatch wrote it (DESIGN.md contract), for what it reads back: delivery spools,
 * the Alertmanager journal, open incidents in snapshots. Extra fields are allowed (an alert
 * written by a newer version); what the sinks format must be there, with its type.
 */
export const AlertSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  agentId: Type.String(),
  agentClass: Type.Optional(Type.String()),
  tenant: Type.Optional(Type.String()),
  detector: oneOf(Object.values(DetectorName)),
  severity: oneOf(Object.values(Severity)),
  score: Type.Number(),
  time: Type.String(),
  detectedAt: Type.String(),
  summary: Type.String(),
  observed: ObservationSchema,
  expected: ObservationSchema,
  evidence: readonlyArray(Type.String()),
  baseline: Type.Object({ events: Type.Number(), days: Type.Number(), learning: Type.Boolean(), basis: oneOf(['learned', 'declared', 'class'] as const) }),
  eventId: Type.String(),
  status: Type.Optional(oneOf(Object.values(AlertStatus))),
  episode: Type.Optional(AlertEpisodeSchema),
});

// Fails to compile when Alert and its schema drift apart.
export const _alertSchemaMatches: SameType<Static<typeof AlertSchema>, Alert> = true;
