import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, errorFromCode } from '../core/errors.js';
import type { ReplayProgress } from '../pipeline/replay.js';
import type { LaneRequest, LanesResult } from './sweep-lanes.js';

type WorkerMessage =
  { type: 'progress'; progress: ReplayProgress } | { type: 'done'; result: LanesResult } | { type: 'error'; code?: ErrorCode; message: string; stack?: string };

/**
 * The worker module next to this one: compiled `.js` in a build; from source (tsx, vitest) the
 * `.ts` file, with tsx registered in the thread first (workers do not inherit `--import tsx`).
 */
function startWorker(request: LaneRequest): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const module = new URL(fromSource ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url);
  if (!fromSource) return new Worker(module, { workerData: request });
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: request });
}

/**
 * Runs each request in its own worker thread (one per core): each reads and decodes the logs
 * once for its lanes. Progress is the slowest worker's; alerts are summed.
 */
export async function runLanesInWorkers(requests: readonly LaneRequest[], onProgress?: (p: ReplayProgress) => void): Promise<LanesResult[]> {
  const latest: (ReplayProgress | undefined)[] = requests.map(() => undefined);
  const report = (): void => {
    if (!onProgress || latest.some((p) => p === undefined)) return;
    const all = latest as ReplayProgress[];
    const rank = (p: ReplayProgress) => p.fileIndex + (p.fileBytes > 0 ? p.bytesRead / p.fileBytes : 1);
    const slowest = all.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    onProgress({ ...slowest, alerts: all.reduce((n, p) => n + p.alerts, 0) });
  };
  const workers: Worker[] = [];
  try {
    return await Promise.all(
      requests.map(
        (request, i) =>
          new Promise<LanesResult>((resolve, reject) => {
            const worker = startWorker(request);
            workers.push(worker);
            worker.on('message', (m: WorkerMessage) => {
              if (m.type === 'progress') {
                latest[i] = m.progress;
                report();
              } else if (m.type === 'done') {
                resolve(m.result);
              } else {
                const err = m.code ? errorFromCode(m.code, m.message) : new Error(m.message);
                if (m.stack && !m.code) err.stack = m.stack;
                reject(err);
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) => reject(new Error(`sweep worker ${i} exited with code ${code} before finishing`)));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
