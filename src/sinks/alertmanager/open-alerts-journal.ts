import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Alert } from '../../core/alerts/alert.js';
import { AlertSchema } from '../../core/alerts/alert-schema.js';
import { cannotRead } from '../../core/errors.js';
import { type RecordProblem, RecordValidator, within } from '../../core/record-validator.js';
import { type ReloadMetrics, ReloadKind, noopReloadMetrics } from '../../telemetry/reload-metrics.js';

/** An open incident's latest message and when (wall clock, ms) it was delivered. */
export interface TrackedAlert {
  alert: Alert;
  atMs: number;
}

type Entry = { open: TrackedAlert } | { closed: string };

// The two kinds of line, each checked on its own so that a problem is named inside its kind.
const openEntry = new RecordValidator(Type.Object({ alert: AlertSchema, atMs: Type.Number() }));
const closedEntry = new RecordValidator(Type.String({ minLength: 1 }));

/** A journal line read back: the entry, or why it cannot be used. */
export function parseJournalEntry(line: string): Entry | RecordProblem {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { path: '/', message: 'not JSON (a line cut short by a crash?)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { path: '/', message: 'not an object' };
  if (Object.hasOwn(value, 'open')) {
    const open = (value as { open: unknown }).open;
    const problem = openEntry.check(open);
    return problem ? within('/open', problem) : { open: open as TrackedAlert };
  }
  if (Object.hasOwn(value, 'closed')) {
    const closed = (value as { closed: unknown }).closed;
    const problem = closedEntry.check(closed);
    return problem ? within('/closed', problem) : { closed: closed as string };
  }
  return { path: '/', message: 'neither "open" nor "closed"' };
}

/** Lines named one by one in the log; past that, only their number (a file of garbage is one message, not thousands). */
const NAMED = 5;

/**
 * The open alerts an Alertmanager sink keeps firing, remembered across restarts: without it a
 * restarted `agentwatch run` would stop re-sending its open incidents, and Alertmanager would
 * report them resolved while they are not. An append-only JSON-lines file (latest message of an
 * incident, or its end), rewritten compactly when mostly history. Not fsync'd: losing the last
 * lines in a power cut costs at most a re-send of an alert that had just resolved, or a gap.
 */
export class OpenAlertsJournal {
  private lines = 0;

  private constructor(readonly path: string) {}

  /**
   * Opens (creating its folder) and reads what was open, in the order it was last updated. A line
   * that is not a valid entry is dropped, named in the log and counted: one bad alert among those
   * re-sent together would fail every re-send, and the open incidents would expire.
   */
  static load(
    path: string,
    warn: (msg: string) => void = () => undefined,
    metrics: ReloadMetrics = noopReloadMetrics,
  ): { journal: OpenAlertsJournal; open: Map<string, TrackedAlert> } {
    const journal = new OpenAlertsJournal(path);
    const open = new Map<string, TrackedAlert>();
    try {
      mkdirSync(dirname(path), { recursive: true });
      if (existsSync(path)) {
        let bad = 0;
        let number = 0;
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          number++;
          if (!line) continue;
          journal.lines++;
          const entry = parseJournalEntry(line);
          if ('path' in entry) {
            if (++bad <= NAMED)
              warn(
                `${path}:${number}: dropped an entry that is not an open or closed alert (${entry.path}: ${entry.message}); the other open alerts are re-sent`,
              );
            continue;
          }
          if ('open' in entry) {
            open.delete(entry.open.alert.id);
            open.set(entry.open.alert.id, entry.open);
          } else open.delete(entry.closed);
        }
        if (bad > NAMED) warn(`${path}: dropped ${bad} entries in all that are not open or closed alerts`);
        metrics.rejected(ReloadKind.Journal, bad);
      }
    } catch (cause) {
      throw cannotRead("the Alertmanager sink's open alerts", path, cause);
    }
    return { journal, open };
  }

  /** Records the latest message of an open incident, or (`closed`) that it is no longer re-sent. */
  async record(entry: Entry, open: ReadonlyMap<string, TrackedAlert>): Promise<void> {
    if (this.lines > 1000 && this.lines > 4 * open.size) return this.rewrite(open);
    this.lines++;
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
  }

  /** Replaces the file with just the open alerts (written aside, then renamed over it). */
  async rewrite(open: ReadonlyMap<string, TrackedAlert>): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, [...open.values()].map((t) => `${JSON.stringify({ open: t })}\n`).join(''));
    await rename(tmp, this.path);
    this.lines = open.size;
  }
}
