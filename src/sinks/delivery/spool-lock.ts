import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteError, QueueInUseError } from '../../core/errors.js';

/** Folders locked by this process (a second queue on one folder in one process is a bug too). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per queue folder: two processes appending to the same spool would interleave and
 * deliver each other's alerts. The lock is a file holding the owner's pid; a lock whose process
 * is gone (a crash) is taken over.
 */
export function lockSpool(dir: string): () => void {
  const path = join(dir, 'lock');
  const inUse = (owner: string) => new QueueInUseError(`the alert queue ${dir} is in use by ${owner}: give each agentwatch instance its own alerts.queue.dir`);
  if (held.has(path)) throw inUse('this process');
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0)
        throw new FileWriteError(`cannot lock the alert queue ${dir}: ${(err as Error).message}`, { cause: err });
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw inUse(`process ${pid}`);
      rmSync(path, { force: true });
    }
  }
  held.add(path);
  return () => {
    held.delete(path);
    rmSync(path, { force: true });
  };
}
