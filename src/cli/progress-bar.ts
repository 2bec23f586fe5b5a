import type { ReplayProgress } from '../pipeline/replay.js';

/** A one-line progress bar on stderr, only on a terminal; redrawn at most ten times a second. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: ReplayProgress) => void; done: () => void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const started = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      const fraction = p.fileBytes > 0 ? Math.min(1, p.bytesRead / p.fileBytes) : 1;
      const overall = (p.fileIndex + fraction) / p.files;
      const width = 30;
      const filled = Math.round(overall * width);
      const rate = Math.round(p.lines / Math.max((now - started) / 1000, 1e-3));
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(overall * 100).toFixed(0).padStart(3)}%  ` +
          `file ${p.fileIndex + 1}/${p.files}  ${p.lines.toLocaleString('en-US')} lines  ${rate.toLocaleString('en-US')}/s  ${p.alerts} alerts\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
