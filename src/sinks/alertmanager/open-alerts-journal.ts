import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Alert } from '../../core/alerts/alert.js';
import { AgentwatchError, ErrorCode } from '../../core/errors.js';

/** An open incident's latest message and when (wall clock, ms) it was delivered. */
export interface TrackedAlert {
  alert: Alert;
  atMs: number;
}

type Entry = { open: TrackedAlert } | { closed: string };

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

  /** Opens (creating its folder) and reads what was open, in the order it was last updated. */
  static load(path: string, warn: (msg: string) => void = () => undefined): { journal: OpenAlertsJournal; open: Map<string, TrackedAlert> } {
    const journal = new OpenAlertsJournal(path);
    const open = new Map<string, TrackedAlert>();
    try {
      mkdirSync(dirname(path), { recursive: true });
      if (existsSync(path)) {
        let bad = 0;
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line) continue;
          journal.lines++;
          try {
            const entry = JSON.parse(line) as Entry;
            if ('open' in entry) {
              open.delete(entry.open.alert.id);
              open.set(entry.open.alert.id, entry.open);
            } else open.delete(entry.closed);
          } catch {
            bad++; // a line cut short by a crash
          }
        }
        if (bad) warn(`${path}: skipped ${bad} unreadable line(s)`);
      }
    } catch (cause) {
      throw new AgentwatchError(ErrorCode.Io, `cannot read the Alertmanager sink's open alerts ${path}: ${(cause as Error).message}`, { cause });
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
