/**
 * A hand-written check that accepts only events the native schema (audit-event-schema.ts) accepts,
 * in one pass without allocating (issue 16, items 1 and 4). ajv's generated validator builds an
 * error object for every failed `anyOf` branch it tries (a `resource_access` category fails the
 * `api_call` const first, an `outcome` of `failure` fails `success`): about 300 bytes of garbage
 * per valid event, a seventh of replay's allocation. This check may be stricter than the schema,
 * never looser: whatever it does not accept goes to ajv, which decides and names the error
 * (test/core/events/audit-event-fast-check.test.ts compares the two).
 */

// The schema's RFC3339 pattern; without the `u` flag it matches the same strings (ASCII classes only).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const MAX_EPOCH_MS = 8.64e15;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string of `min`..`max` UTF-16 units (the record validator's `unicode: false`), or absent. */
const optionalString = (v: unknown, min: number, max: number): boolean => v === undefined || (typeof v === 'string' && v.length >= min && v.length <= max);

const requiredString = (v: unknown, min: number, max: number): boolean => typeof v === 'string' && v.length >= min && v.length <= max;

const finiteIn = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

function sourceOk(source: Record<string, unknown>): boolean {
  for (const key in source) {
    const v = source[key];
    switch (key) {
      case 'ip':
      case 'region':
      case 'country':
        if (!optionalString(v, 0, 64)) return false;
        break;
      case 'city':
        if (!optionalString(v, 0, 128)) return false;
        break;
      case 'lat':
        if (v !== undefined && !finiteIn(v, -90, 90)) return false;
        break;
      case 'lon':
        if (v !== undefined && !finiteIn(v, -180, 180)) return false;
        break;
      case 'session':
        if (!optionalString(v, 1, 256)) return false;
        break;
      case 'sessionBound':
        if (v !== undefined && typeof v !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function attributesOk(attributes: Record<string, unknown>): boolean {
  if (Object.keys(attributes).length > 64) return false;
  // Every value checked, whatever its key (the schema checks the keys its pattern matches): stricter.
  for (const key in attributes) {
    const v = attributes[key];
    if (typeof v === 'string') {
      if (v.length > 2048) return false;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (typeof v !== 'boolean') return false;
  }
  return true;
}

/** True only for a value the native audit event schema accepts; false means "ask ajv". */
export function isValidAuditEventFast(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { time, category, outcome, source, attributes } = value;
  if (!requiredString(value['id'], 1, 256) || !requiredString(value['agentId'], 1, 256) || !requiredString(value['action'], 1, 512)) return false;
  if (typeof time === 'string') {
    if (time.length > 40 || !RFC3339.test(time)) return false;
  } else if (typeof time !== 'number' || !Number.isInteger(time) || time < 0 || time > MAX_EPOCH_MS) return false;
  const resource = value['resource'];
  const permission = value['permission'];
  if (!optionalString(resource, 0, 2048) || !optionalString(permission, 0, 512)) return false;
  if (category === 'resource_access') {
    if (resource === undefined || (resource as string).length === 0) return false;
  } else if (category === 'permission_request') {
    if (permission === undefined || (permission as string).length === 0) return false;
  } else if (category !== 'api_call') return false;
  if (outcome !== undefined && outcome !== 'success' && outcome !== 'failure' && outcome !== 'denied') return false;
  if (!optionalString(value['agentClass'], 1, 256) || !optionalString(value['tenant'], 0, 256)) return false;
  if (source !== undefined && !(isObject(source) && sourceOk(source))) return false;
  if (attributes !== undefined && !(isObject(attributes) && attributesOk(attributes))) return false;
  return true;
}
