/**
 * Small readers over untrusted parsed JSON, shared by the format adapters: every field of a
 * foreign record may be missing, null, or of another type than documented, and an adapter must
 * turn that into "absent", never into a crash.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty trimmed string; numbers become their decimal text. Placeholders some exporters write for null count as absent. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  return s === '' || s === '<null>' || s === 'null' ? undefined : s;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The first argument that is a non-empty string. */
export function firstStr(...values: unknown[]): string | undefined {
  for (const v of values) {
    const s = str(v);
    if (s !== undefined) return s;
  }
  return undefined;
}

/**
 * Log Analytics exports (and KQL projections) carry `dynamic` columns as JSON text; the same
 * column is a real object in other exports. Either way the caller gets the value.
 */
export function jsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

// Lower-cased keys of each record read case-insensitively, built once per record.
const lowerKeys = new WeakMap<JsonObject, Map<string, unknown>>();

function lowerCased(record: JsonObject): Map<string, unknown> {
  let map = lowerKeys.get(record);
  if (map === undefined) {
    map = new Map();
    for (const k in record) {
      const v = record[k];
      const key = k.toLowerCase();
      if (v !== undefined && v !== null && !map.has(key)) map.set(key, v);
    }
    lowerKeys.set(record, map);
  }
  return map;
}

/** Looks a key up case-insensitively: exporters disagree on `resultType` vs `ResultType` vs `resulttype`. */
export function field(record: JsonObject, ...names: string[]): unknown {
  for (const n of names) {
    const v = record[n];
    if (v !== undefined && v !== null) return v;
  }
  const map = lowerCased(record);
  for (const n of names) {
    const v = map.get(n.toLowerCase());
    if (v !== undefined) return v;
  }
  return undefined;
}

const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A timestamp to epoch milliseconds: RFC 3339 with any number of fraction digits (Azure writes
 * seven), a zone-less form taken as UTC (the logs are UTC; the machine's zone must not matter),
 * or a number already in milliseconds.
 */
export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
  const s = str(value);
  if (s === undefined) return undefined;
  const text = ZONELESS.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Attribute values the native format accepts: strings (bounded), finite numbers, booleans. */
export function putAttr(attrs: Record<string, string | number | boolean>, key: string, value: unknown): void {
  if (typeof value === 'boolean') attrs[key] = value;
  else if (typeof value === 'number') {
    if (Number.isFinite(value)) attrs[key] = value;
  } else {
    const s = str(value);
    if (s !== undefined) attrs[key] = s.length > 2048 ? s.slice(0, 2048) : s;
  }
}

export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
