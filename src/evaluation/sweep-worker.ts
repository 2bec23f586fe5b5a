import { parentPort, workerData } from 'node:worker_threads';
import { AgentwatchError } from '../core/errors.js';
import { type LaneRequest, runLanes } from './sweep-lanes.js';

/** A worker thread of `agentwatch tune`: reads and decodes the logs once for its share of the settings. */
const port = parentPort;
if (port) {
  try {
    let last = 0;
    const result = await runLanes(workerData as LaneRequest, (p) => {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      port.postMessage({ type: 'progress', progress: p });
    });
    port.postMessage({ type: 'done', result });
  } catch (err) {
    // Error classes do not survive the thread boundary: the code and message are sent instead.
    const e = err as Error;
    port.postMessage({ type: 'error', code: err instanceof AgentwatchError ? err.code : undefined, message: e?.message ?? String(err), stack: e?.stack });
  }
}
