import type { Config } from '../src/config/config-schema.js';
import { loadBaselinesDir } from '../src/config/load-baselines.js';
import { loadConfig } from '../src/config/load-config.js';
import { replay } from '../src/pipeline/replay.js';
import { FileSink } from '../src/sinks/file-sink.js';
import { readJsonlFile } from '../src/sources/jsonl-file-source.js';

/** The baseline: the same line reader and JSON.parse on every line, nothing else. */
export async function rawParse(file: string): Promise<{ events: number; seconds: number }> {
  const t0 = performance.now();
  let events = 0;
  let sink = 0;
  for await (const batch of readJsonlFile(file)) {
    for (const line of batch.lines) {
      if (line.length === 0) continue;
      const v = JSON.parse(line) as { id: string };
      sink += v.id.length;
      events++;
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return { events, seconds: (performance.now() - t0) / 1000 };
}

/** The full replay: decode, validate, reorder, detect, write alerts to a file. */
export async function fullReplay(
  file: string,
  baselinesDir: string,
  output: string,
  config: Config = loadConfig().config,
): Promise<{ events: number; seconds: number; alerts: number }> {
  const t0 = performance.now();
  const sink = new FileSink(output);
  const { summary } = await replay({ files: [file], config, baselines: loadBaselinesDir(baselinesDir).baselines, sinks: [sink] });
  await sink.close();
  return { events: summary.accepted, seconds: (performance.now() - t0) / 1000, alerts: summary.alerts };
}
