import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { FileSink } from '../../src/sinks/file-sink.js';
import { DeliveryQueue } from '../../src/sinks/delivery/delivery-queue.js';
import { SINK_REGISTRY, buildAlertRouter, queueDir, type SinkContext } from '../../src/sinks/sink-registry.js';
import { StdoutJsonSink } from '../../src/sinks/stdout-json-sink.js';
import { noopPipelineMetrics } from '../../src/telemetry/pipeline-metrics.js';
import { testAlert } from '../helpers/alert-fixture.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('sink registry', () => {
  let dir: string;
  const warnings: string[] = [];
  const ctx = (alerts: unknown, mode: 'run' | 'replay' = 'run', env: NodeJS.ProcessEnv = {}): SinkContext => ({
    config: parseConfig({ alerts }),
    mode,
    baseDir: dir,
    env,
    metrics: noopPipelineMetrics,
    log: { info: () => undefined, warn: (m) => void warnings.push(m) },
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aw-registry-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has one factory per sink type of the config schema', () => {
    expect(Object.keys(SINK_REGISTRY).sort()).toEqual(['alertmanager', 'file', 'kafka', 'stdout', 'webhook']);
  });

  it('without alerts.sinks: run sends everything to the Kafka topic; replay adds nothing', async () => {
    const run = await buildAlertRouter(ctx({}));
    expect(run.names).toEqual(['kafka']);
    expect(run.toKafka(testAlert(1, { status: 'resolved', severity: 'low' }))).toBe(true);
    const replay = await buildAlertRouter(ctx({}, 'replay'), [new FileSink(join(dir, 'out.jsonl'))]);
    expect(replay.names).toEqual(['file']);
    await replay.close();
  });

  it('builds each configured sink with its route; the kafka entry becomes the topic route (skipped by replay)', async () => {
    const sinks = [
      { type: 'kafka', name: 'topic', minSeverity: 'medium' },
      { type: 'stdout', name: 'out' },
      { type: 'file', name: 'archive', path: 'alerts/archive.jsonl', statuses: ['open'] },
      { type: 'webhook', name: 'soc', url: 'http://127.0.0.1:9/hook', secrets: [SECRET], detectors: ['rate_spike'] },
    ];
    const router = await buildAlertRouter(ctx({ sinks, queue: { dir: 'q' } }));
    expect(router.names).toEqual(['kafka', 'out', 'archive', 'soc']);
    expect(router.toKafka(testAlert(1, { severity: 'low' }))).toBe(false);
    expect(router.toKafka(testAlert(1, { severity: 'medium' }))).toBe(true);
    expect(router.sinks[0]?.sink).toBeInstanceOf(StdoutJsonSink);
    expect(router.sinks[2]?.sink).toBeInstanceOf(DeliveryQueue);
    expect(router.sinks[2]?.route.detectors).toEqual(['rate_spike']);
    // Relative paths are the config file's: the file sink and the queue folder.
    router.sinks[1]?.write(testAlert(1));
    router.sinks[1]?.write(testAlert(2, { status: 'update' }));
    await router.close();
    expect(
      readFileSync(join(dir, 'alerts/archive.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([testAlert(1).id]);
    expect(queueDir(ctx({ queue: { dir: 'q' } }))).toBe(join(dir, 'q'));

    const replay = await buildAlertRouter(ctx({ sinks: sinks.slice(0, 1) }, 'replay'));
    expect(replay.names).toEqual([]);
    expect(warnings.join('\n')).toMatch(/alerts\.sinks\[0\] \(topic\): replay does not write to Kafka/);
  });

  it('refuses duplicate names, a second kafka sink, and a name taken by the command line, naming the path', async () => {
    await expect(
      buildAlertRouter(
        ctx({
          sinks: [
            { type: 'stdout', name: 'a' },
            { type: 'stdout', name: 'a' },
          ],
        }),
      ),
    ).rejects.toThrow(/alerts\.sinks\[1\] \(a\): the name "a" is already used by alerts\.sinks\[0\] \(a\)/);
    await expect(
      buildAlertRouter(
        ctx({
          sinks: [
            { type: 'kafka', name: 'k1' },
            { type: 'kafka', name: 'k2' },
          ],
        }),
      ),
    ).rejects.toThrow(/alerts\.sinks\[1\] \(k2\): only one kafka sink/);
    await expect(buildAlertRouter(ctx({ sinks: [{ type: 'stdout', name: 'kafka' }] }))).rejects.toThrow(
      /the name "kafka" is already used by the Kafka topic's metrics/,
    );
    const output = new FileSink(join(dir, 'out.jsonl'));
    await expect(buildAlertRouter(ctx({ sinks: [{ type: 'file', name: 'file', path: 'x.jsonl' }] }, 'replay'), [output])).rejects.toThrow(
      /the name "file" is already used by the command line's file sink/,
    );
    await output.close();
  });

  it('in memory when alerts.queue.persist is false; under $AGENTWATCH_STATE_DIR when no dir is set', async () => {
    const c = ctx({ queue: { persist: false } }, 'run', { AGENTWATCH_STATE_DIR: join(dir, 'state') });
    expect(queueDir(c)).toBe(join(dir, 'state', 'queue'));
    const router = await buildAlertRouter(
      ctx({ sinks: [{ type: 'webhook', name: 'soc', url: 'http://127.0.0.1:9/hook', secrets: [SECRET] }], queue: { persist: false, drainTimeoutMs: 0 } }),
    );
    const queue = router.sinks[0]?.sink as DeliveryQueue;
    await queue.write(testAlert(1));
    expect(queue.queued).toBe(1);
    await router.close();
  });
});
