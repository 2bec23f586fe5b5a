import { Value } from '@sinclair/typebox/value';
import type { DeclaredBaselines } from './baselines/declared-baselines.js';
import { Ewma } from './baselines/ewma.js';
import { SensitiveTouches } from './baselines/sensitive-touches.js';
import { EngineSettingsSchema, type EngineSettings } from './engine-settings.js';

/** Settings with every default filled in (the config loader does the same at the edge, with errors). */
export function defaultEngineSettings(overrides: unknown = {}): EngineSettings {
  return Value.Default(EngineSettingsSchema, structuredClone(overrides)) as EngineSettings;
}

/** What every agent baseline and detector shares: settings, declarations and derived constants. */
export interface EngineContext {
  readonly settings: EngineSettings;
  readonly declared: DeclaredBaselines;
  readonly fastAlpha: number;
  readonly slowAlpha: number;
  readonly sketchHalvingMs: number;
  /** Event time at which this engine's history begins (first event, or the oldest restored agent). */
  readonly stream: { startedAtMs: number };
  /** Who last touched each sensitive resource, fleet-wide (new_sensitive_resource names them). */
  readonly touches: SensitiveTouches;
}

/** Sensitive resources whose last toucher is remembered: ~3 MB at most. */
const MAX_TOUCHED_RESOURCES = 10_000;

export function createEngineContext(settings: EngineSettings, declared: DeclaredBaselines): EngineContext {
  return {
    settings,
    declared,
    fastAlpha: Ewma.alphaForHalfLife(settings.ewma.fastHalfLifeMs / settings.bucketMs),
    slowAlpha: Ewma.alphaForHalfLife(settings.ewma.slowHalfLifeMs / settings.bucketMs),
    sketchHalvingMs: settings.sketch.windowMs / 2,
    stream: { startedAtMs: Number.POSITIVE_INFINITY },
    touches: new SensitiveTouches(MAX_TOUCHED_RESOURCES),
  };
}
