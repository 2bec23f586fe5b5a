import { arr, isObject, obj, str } from '../record-fields.js';

export type AttributeValue = string | number | boolean;
export type Attributes = Map<string, AttributeValue>;

/**
 * OTLP/JSON AnyValue to a plain value. int64 travels as a decimal string (proto3 JSON), arrays
 * and key-value lists are kept as JSON text: the native attributes hold scalars only.
 */
export function anyValue(value: unknown): AttributeValue | undefined {
  const v = obj(value);
  if (!v) return undefined;
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  if (v['intValue'] !== undefined) {
    const n = Number(v['intValue']);
    return Number.isFinite(n) ? n : str(v['intValue']);
  }
  if (v['doubleValue'] !== undefined) {
    const n = Number(v['doubleValue']);
    return Number.isFinite(n) ? n : undefined;
  }
  const array = obj(v['arrayValue']);
  if (array) return JSON.stringify(arr(array['values']).map(anyValue));
  const kv = obj(v['kvlistValue']);
  if (kv) return JSON.stringify(Object.fromEntries(attributePairs(kv['values'])));
  return undefined;
}

function attributePairs(list: unknown): [string, AttributeValue][] {
  return arr(list).flatMap((entry) => {
    if (!isObject(entry) || typeof entry['key'] !== 'string') return [];
    const value = anyValue(entry['value']);
    return value === undefined ? [] : [[entry['key'], value] as [string, AttributeValue]];
  });
}

/** An OTLP `attributes` list ([{key, value:{stringValue|intValue|…}}]) as a map. */
export function attributesOf(list: unknown): Attributes {
  return new Map(attributePairs(list));
}

export function attrStr(attrs: Attributes, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const s = str(attrs.get(k));
    if (s !== undefined) return s;
  }
  return undefined;
}
