import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './config-schema.js';

/**
 * Secrets are marked where they are declared, in the configuration schema (issue 18, item 5):
 * `secret: true` hides the whole value (a string, each item of a list, each value of a map),
 * `secret: 'url'` keeps a URL's scheme, host and port (a Slack or Teams webhook's path is the
 * credential). Log redaction, the environment overrides and the docs all read that mark.
 */
export type SecretMark = true | 'url';
export const REDACTED = '[redacted]';

interface SchemaNode {
  secret?: SecretMark;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  const?: unknown;
}

/** Scheme, host and port only: paths, queries and credentials of webhook URLs are secrets. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && !u.search && !u.username ? u.origin : `${u.origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

function hide(mark: SecretMark, value: unknown): unknown {
  if (mark === 'url') return typeof value === 'string' ? redactUrl(value) : REDACTED;
  if (Array.isArray(value)) return value.map(() => REDACTED);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  return REDACTED;
}

/** The variant a discriminated union (alerts.sinks) applies to, by the value's `type`. */
function variantsFor(node: SchemaNode, value: unknown): SchemaNode[] {
  const variants = node.oneOf ?? node.anyOf ?? [];
  const type = (value as { type?: unknown } | null)?.type;
  const matching = variants.filter((v) => v.properties?.['type']?.const === type);
  return matching.length > 0 ? matching : variants;
}

function childSchema(node: SchemaNode, key: string): SchemaNode | undefined {
  const named = node.properties?.[key];
  if (named) return named;
  const patterns = Object.values(node.patternProperties ?? {});
  if (patterns.length > 0) return patterns[0];
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

/** A copy of `value` with every field its schema marks secret hidden; the value is untouched. */
export function redactBySchema<T>(schema: TSchema, value: T): T {
  const walk = (node: SchemaNode, v: unknown): unknown => {
    if (v === undefined || v === null) return v;
    if (node.secret) return hide(node.secret, v);
    if (node.oneOf || node.anyOf) return variantsFor(node, v).reduce<unknown>((acc, variant) => walk(variant, acc), v);
    if (Array.isArray(v)) return node.items ? v.map((item) => walk(node.items as SchemaNode, item)) : [...v];
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(v)) {
        const s = childSchema(node, key);
        out[key] = s ? walk(s, child) : child;
      }
      return out;
    }
    return v;
  };
  return walk(schema as SchemaNode, value) as T;
}

/** Every marked path of a schema (`*` for any list item or map key), with its mark. */
export function secretPaths(schema: TSchema): { path: readonly string[]; mark: SecretMark }[] {
  const found: { path: readonly string[]; mark: SecretMark }[] = [];
  const seen = new Set<string>();
  const walk = (node: SchemaNode, path: string[]): void => {
    if (node.secret) {
      const key = path.join('.');
      if (!seen.has(key)) found.push({ path, mark: node.secret });
      seen.add(key);
      return;
    }
    for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, [...path, k]);
    for (const child of Object.values(node.patternProperties ?? {})) walk(child, [...path, '*']);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, [...path, '*']);
    if (node.items) walk(node.items, [...path, '*']);
    for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(variant, path);
  };
  walk(schema as SchemaNode, []);
  return found;
}

/** A copy of the configuration safe to log. */
export function redactConfig<T>(config: T): T {
  return redactBySchema(ConfigSchema, config);
}

/** Whether the configuration path (e.g. `kafka.sasl.password`) is marked secret. */
export function isSecretConfigPath(path: readonly string[]): boolean {
  return secretPaths(ConfigSchema).some((s) => s.path.length === path.length && s.path.every((p, i) => p === '*' || p === path[i]));
}
