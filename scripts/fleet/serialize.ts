import type { GenEvent } from './types.js';

/** The DESIGN.md native event, as written to events.jsonl. */
export interface NativeEvent {
  id: string;
  time: string;
  agentId: string;
  agentClass: string;
  tenant: string;
  category: GenEvent['cat'];
  action: string;
  resource?: string;
  permission?: string;
  outcome: GenEvent['outcome'];
  source: { ip: string; region: string; country: string };
}

// A module-local constant: imported bindings cost a getter per access under tsx.
const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = NaN;
let cachedPrefix = '';

/** `toISOString()` without the Date: the serializer's hottest call. */
export function isoMillis(t: number): string {
  const day = Math.floor(t / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = t - day * DAY_MS;
  const ms = r % 1000;
  r = (r - ms) / 1000;
  const s = r % 60;
  r = (r - s) / 60;
  const m = r % 60;
  const h = (r - m) / 60;
  return `${cachedPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[ms]}Z`;
}

/**
 * Hand-built JSON. Every string in an event comes from templates, pools and ids that the
 * generator checks once for characters JSON would escape (see assertJsonSafe), so none needs
 * escaping here; the agent fields and the source object are pre-serialized per agent / address.
 */
export function toLine(e: GenEvent, id: string): string {
  let s = `{"id":"${id}","time":"${isoMillis(e.t)}",${e.agent.json},"category":"${e.cat}","action":"${e.action}"`;
  if (e.resource !== undefined) s += `,"resource":"${e.resource}"`;
  if (e.permission !== undefined) s += `,"permission":"${e.permission}"`;
  return `${s},"outcome":"${e.outcome}","source":${e.src.json}}`;
}

/** Anything JSON would escape, and anything outside printable ASCII (lines are written as latin1). */
function unsafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

export function assertJsonSafe(text: string, what: string): string {
  if (unsafe(text)) throw new RangeError(`${what} has a character the fast serializer does not escape: ${text}`);
  return text;
}

export function toNative(e: GenEvent, id: string): NativeEvent {
  return {
    id,
    time: isoMillis(e.t),
    agentId: e.agent.id,
    agentClass: e.agent.agentClass,
    tenant: e.agent.tenant,
    category: e.cat,
    action: e.action,
    ...(e.resource !== undefined ? { resource: e.resource } : {}),
    ...(e.permission !== undefined ? { permission: e.permission } : {}),
    outcome: e.outcome,
    source: { ip: e.src.ip, region: e.src.region, country: e.src.country },
  };
}
