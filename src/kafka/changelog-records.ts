import type { Engine } from '../core/engine.js';
import { trimSnapshot } from '../core/baselines/trim-snapshot.js';
import type { ChangelogRecord } from './changelog-writer.js';
import { RECORD_OVERHEAD_BYTES } from './topic-limits.js';

export interface SnapshotRecords {
  records: ChangelogRecord[];
  /** Keys and values. */
  bytes: number;
  /** Snapshots that had to be trimmed to fit one request. */
  trimmed: number;
  /** Entries those lost, least recently seen first. */
  droppedEntries: number;
}

const byteLength = (s: string): number => Buffer.byteLength(s);

/**
 * The changelog records of `agentIds` (their snapshots now), each within `budgetBytes`: a
 * snapshot too large for one request on its own is trimmed by its own bounds, never dropped
 * (issue 12). Agents no longer in the engine are skipped (evicted or revoked meanwhile).
 */
export function snapshotRecords(
  engine: Engine,
  agentIds: Iterable<string>,
  partitionOf: (agentId: string) => number | undefined,
  budgetBytes: number,
): SnapshotRecords {
  const out: SnapshotRecords = { records: [], bytes: 0, trimmed: 0, droppedEntries: 0 };
  for (const agentId of agentIds) {
    const partition = partitionOf(agentId);
    const snapshot = partition === undefined ? undefined : engine.snapshotAgent(agentId);
    if (snapshot === undefined || partition === undefined) continue;
    const room = budgetBytes - RECORD_OVERHEAD_BYTES - byteLength(agentId);
    const { json, dropped } = trimSnapshot(snapshot, room, byteLength);
    if (dropped > 0) {
      out.trimmed++;
      out.droppedEntries += dropped;
    }
    out.bytes += byteLength(json) + byteLength(agentId);
    out.records.push({ key: agentId, value: json, partition });
  }
  return out;
}
