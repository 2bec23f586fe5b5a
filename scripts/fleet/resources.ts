import { WeightedTable, zipfWeights } from './prng.js';
import { assertJsonSafe } from './serialize.js';
import type { ResCtx, ResourceGen } from './types.js';

/**
 * Resource templates. `{name}` placeholders are fixed per agent (account, bucket, vault…) and
 * resolved once; the dynamic ones make the daily churn of new ordinary resources real:
 *   {date} 2026-03-05 · {datepath} 2026/03/05 · {hour} 07 · {seq} growing id (tickets, PRs)
 *   {n:W:MAX} random int below MAX, zero-padded to W · {hex:N} fresh hex · {pool:NAME} a
 *   Zipf-weighted pick from the agent's stable pool NAME (users, repos, documents…)
 */
type Part = string | ResourceGen;

const PLACEHOLDER = /\{([a-z]+)(?::([^}]*))?\}/g;

export function compileResource(template: string, vars: Readonly<Record<string, string>>, pools: Readonly<Record<string, WeightedTable<string>>>): ResourceGen {
  const parts: Part[] = [];
  let last = 0;
  let literal = '';
  for (const m of template.matchAll(PLACEHOLDER)) {
    literal += template.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    const name = m[1] ?? '';
    const arg = m[2];
    const dynamic = dynamicPart(name, arg, pools);
    if (dynamic) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(dynamic);
    } else {
      const v = vars[name];
      if (v === undefined) throw new RangeError(`template ${template}: no value for {${name}}`);
      literal += v;
    }
  }
  literal += template.slice(last);
  if (literal) parts.push(literal);
  for (const p of parts) if (typeof p === 'string') assertJsonSafe(p, 'resource template');
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const constant = parts[0];
    return () => constant;
  }
  return (ctx, rng) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(ctx, rng);
    return out;
  };
}

function dynamicPart(name: string, arg: string | undefined, pools: Readonly<Record<string, WeightedTable<string>>>): ResourceGen | undefined {
  switch (name) {
    case 'date':
      return (ctx) => ctx.date;
    case 'datepath':
      return (ctx) => ctx.datePath;
    case 'hour':
      return (ctx) => ctx.hour;
    case 'seq':
      return (ctx, rng) => String(ctx.seq - rng.int(0, 40));
    case 'hex': {
      const n = Number(arg ?? 8);
      return (_ctx, rng) => rng.hex(n);
    }
    case 'n': {
      const [w, max] = (arg ?? '0:100').split(':').map(Number) as [number, number];
      return (_ctx, rng) => String(Math.floor(rng.next() * max)).padStart(w, '0');
    }
    case 'pool': {
      const pool = pools[arg ?? ''];
      if (!pool) throw new RangeError(`no pool ${arg}`);
      return (_ctx, rng) => pool.pick(rng);
    }
    default:
      return undefined;
  }
}

export function stablePool(items: readonly string[]): WeightedTable<string> {
  for (const item of items) assertJsonSafe(item, 'pool item');
  return new WeightedTable(items, zipfWeights(items.length, 0.9));
}

export function newCtx(): ResCtx {
  return { date: '', datePath: '', hour: '00', seq: 0 };
}
