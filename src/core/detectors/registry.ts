import type { Detector } from './detector.js';
import { errorRate } from './error-rate.js';
import { multiLocation } from './multi-location.js';
import { newPermission } from './new-permission.js';
import { newSensitiveAction } from './new-sensitive-action.js';
import { newSensitiveResource } from './new-sensitive-resource.js';
import { newToolTarget } from './new-tool-target.js';
import { newToolTransition } from './new-tool-transition.js';
import { offHours } from './off-hours.js';
import { policyViolation } from './policy-violation.js';
import { rateDrop } from './rate-drop.js';
import { rateSpike } from './rate-spike.js';

/** Every detector, in the order they run on each event. Adding one means adding it here. */
export const detectorRegistry: readonly Detector[] = [
  rateSpike,
  newSensitiveAction,
  newSensitiveResource,
  offHours,
  errorRate,
  newPermission,
  policyViolation,
  multiLocation,
  rateDrop,
  newToolTarget,
  newToolTransition,
];
