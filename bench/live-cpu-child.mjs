// One side of bench/live-cpu.ts (issue 16, item 4), as its own process so that process.cpuUsage()
// is this consumer's alone: `raw` is a kafkajs consumer group counting messages (and nothing
// else); `pipeline` is agentwatch's LivePipeline from dist/ (as `agentwatch run` builds it: default
// config, the build's precompiled validators). Both read the same pre-filled topic from the
// beginning under a fresh group and print one JSON line: CPU and wall time from connect to the
// N-th message, and from the first message to the N-th (the steady state, per event).
//   node bench/live-cpu-child.mjs raw|pipeline BROKERS TOPIC N [BASELINES_DIR]
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';

const [mode, brokers, topic, nText, baselinesDir] = process.argv.slice(2);
const n = Number(nText);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const id = randomUUID().slice(0, 8);
const marks = { startCpu: 0, startWall: 0, firstCpu: 0, firstWall: 0, firstCount: 0, doneCpu: 0, doneWall: 0 };

async function raw() {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'aw-bench-live-cpu', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `aw-bench-live-cpu-raw-${id}` });
  marks.startCpu = cpu();
  marks.startWall = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (count === 0) {
            marks.firstCpu = cpu();
            marks.firstWall = performance.now();
          }
          count += batch.messages.length;
          if (count >= n && marks.doneCpu === 0) {
            marks.doneCpu = cpu();
            marks.doneWall = performance.now();
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { consumed: count };
}

async function pipeline() {
  // AGENTWATCH_BENCH_DIST: another build's dist/ (an A/B against main, bench/live-cpu.ts --ab).
  const other = process.env.AGENTWATCH_BENCH_DIST;
  const dist = other ? pathToFileURL(`${other.replace(/\/$/, '')}/`) : new URL('../dist/', import.meta.url);
  const load = (p) => import(new URL(p, dist).href);
  const [{ usePrecompiledValidators }, { precompiledValidatorFiles }, { loadConfig }, { loadBaselinesDir }, { createKafka }, { LivePipeline }] =
    await Promise.all([
      load('core/precompiled-validators.js'),
      load('config/precompiled-validator-files.js'),
      load('config/load-config.js'),
      load('config/load-baselines.js'),
      load('kafka/kafka-client.js'),
      load('pipeline/live-pipeline.js'),
    ]);
  usePrecompiledValidators(precompiledValidatorFiles);
  const { config } = loadConfig(undefined, {});
  config.kafka.brokers = brokers.split(',');
  config.kafka.groupId = `aw-bench-live-cpu-${id}`;
  // Named after the input topic, so that the bench deletes them with it.
  config.kafka.topics = {
    input: topic,
    alerts: `${topic}-alerts-${id}`,
    deadLetter: `${topic}-dlq-${id}`,
    baselines: `${topic}-baselines-${id}`,
    feedback: `${topic}-feedback-${id}`,
  };
  config.kafka.partitions = 3;
  const baselines = baselinesDir ? loadBaselinesDir(baselinesDir).baselines : undefined;
  const quiet = { info: () => {}, warn: (msg, f) => process.stderr.write(`pipeline warn: ${msg} ${JSON.stringify(f ?? {})}\n`) };
  const kafka = createKafka(config.kafka, {
    clientId: 'aw-bench-live-cpu',
    quiet: [/Limiting retries for the idempotent producer/, /coordinator is (loading|not available)/],
  });
  const p = new LivePipeline(kafka, config, baselines, quiet);
  let crashed;
  p.running.catch((e) => (crashed = e));
  marks.startCpu = cpu();
  marks.startWall = performance.now();
  await p.start();
  // Polled every 5 ms: a few hundred cheap wake-ups over a run, against hundreds of thousands of events.
  await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (crashed) return reject(crashed);
      const c = p.stats.consumed;
      if (c > 0 && marks.firstCount === 0) {
        marks.firstCpu = cpu();
        marks.firstWall = performance.now();
        marks.firstCount = c;
      }
      if (c >= n) {
        marks.doneCpu = cpu();
        marks.doneWall = performance.now();
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const out = { consumed: p.stats.consumed, alerts: p.stats.alerts, flushes: p.stats.flushes };
  await p.stop();
  return out;
}

const extra = mode === 'raw' ? await raw() : await pipeline();
const steadyEvents = n - marks.firstCount;
process.stdout.write(
  `${JSON.stringify({
    mode,
    ...extra,
    cpuMs: marks.doneCpu - marks.startCpu,
    wallMs: marks.doneWall - marks.startWall,
    steadyCpuUsPerEvent: ((marks.doneCpu - marks.firstCpu) * 1000) / steadyEvents,
    steadyWallUsPerEvent: ((marks.doneWall - marks.firstWall) * 1000) / steadyEvents,
  })}\n`,
);
process.exit(0);
