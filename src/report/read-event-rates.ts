import { InvalidEventError } from '../core/errors.js';
import { decodeAuditEvent } from '../core/events/decode-audit-event.js';
import { readJsonlFile } from '../sources/jsonl-file-source.js';

export interface EventRates {
  /** Per agent: events per minute, keyed by minute index (epoch ms / 60 000). */
  perMinute: Map<string, Map<number, number>>;
  events: number;
  rejected: number;
}

/**
 * Counts the events of the given agents per minute, from event files (.jsonl, .jsonl.gz): the
 * observed side of the report's per-agent charts. Lines that are not valid events are skipped
 * and counted (the replay's rejects file already explains them).
 */
export async function readEventRates(files: readonly string[], agents: ReadonlySet<string>, maxEventBytes?: number): Promise<EventRates> {
  const perMinute = new Map<string, Map<number, number>>();
  for (const a of agents) perMinute.set(a, new Map());
  let events = 0;
  let rejected = 0;
  for (const file of files) {
    for await (const batch of readJsonlFile(file)) {
      for (const line of batch.lines) {
        if (line.trim() === '') continue;
        // Cheap filter before decoding: most lines belong to agents not charted.
        let wanted = false;
        for (const a of agents) if (line.includes(JSON.stringify(a).slice(1, -1))) wanted = true;
        if (!wanted) continue;
        try {
          const e = decodeAuditEvent(line, maxEventBytes);
          const counts = perMinute.get(e.agentId);
          if (!counts) continue;
          events++;
          const minute = Math.floor(e.timeMs / 60_000);
          counts.set(minute, (counts.get(minute) ?? 0) + 1);
        } catch (err) {
          if (!(err instanceof InvalidEventError)) throw err;
          rejected++;
        }
      }
    }
  }
  // An agent absent from the files has no observed rate (rather than a flat zero).
  for (const [a, counts] of perMinute) if (counts.size === 0) perMinute.delete(a);
  return { perMinute, events, rejected };
}
