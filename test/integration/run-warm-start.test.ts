import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFleet } from '../../scripts/fleet/generate-fleet.js';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { Alert } from '../../src/core/alerts/alert.js';
import { ensureTopics } from '../../src/kafka/ensure-topics.js';
import { replay } from '../../src/pipeline/replay.js';
import type { AlertSink } from '../../src/sinks/alert-sink.js';
import { saveWarmState } from '../../src/state/warm-start.js';
import { ROOT } from '../helpers/cli.js';
import { agentKey, consumeUntil, isolatedConfig, produceLines, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

const DAY = 86_400_000;
const CUT = Date.UTC(2026, 2, 2) + 9 * DAY;

describeKafka('agentwatch run --state (warm start of a live deployment)', { timeout: 300_000 }, () => {
  const brokers = kafkaBrokers() as string;
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function launch(env: NodeJS.ProcessEnv, state: string): { child: ChildProcess; log: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', 'run', '--state', state], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stderr?.on('data', (d) => (log += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, log: () => log, exited };
  }

  const waitFor = async (what: () => boolean, ms: number) => {
    for (let i = 0; i < ms / 100 && !what(); i++) await sleep(100);
  };

  it("seeds the changelog from a replay's state, then raises over the second half the alert ids of one replay of both halves", async () => {
    // In order: live processes arrival order per partition, replay event-time order (same here).
    const fleet = createFleet({ seed: 5, agents: 8, days: 16, scale: 0.1, anomalyRate: 4, lateFraction: 0, veryLateFraction: 0 });
    const lines = [...fleet.lines()];
    const dir = mkdtempSync(join(tmpdir(), 'aw-live-warm-'));
    mkdirSync(join(dir, 'baselines'));
    writeFileSync(join(dir, 'baselines', 'fleet.yaml'), fleet.baselinesYaml());
    const time = (l: string) => Date.parse((JSON.parse(l) as { time: string }).time);
    const first = lines.filter((l) => time(l) < CUT);
    const second = lines.filter((l) => time(l) >= CUT);
    writeFileSync(join(dir, 'all.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'first.jsonl'), `${first.join('\n')}\n`);
    const { baselines, document } = loadBaselinesDir(join(dir, 'baselines'));
    // One partition: members of a peer group on different partitions are learned in arrival order,
    // which across partitions is not event-time order (a permission two members first request
    // an hour apart may alert on either). The partition layout is tested in changelog-seed.test.ts.
    const config = isolatedConfig(brokers, { partitions: 1 });

    const alerts: Alert[] = [];
    const sink: AlertSink = { name: 'memory', write: (a) => void alerts.push(a), close: async () => {} };
    await replay({ files: [join(dir, 'all.jsonl')], config, baselines, sinks: [sink] });
    const referenceAlerts = alerts.filter((a) => a.status === 'open' && Date.parse(a.time) >= CUT);
    const reference = new Set(referenceAlerts.map((a) => a.id));
    expect(reference.size).toBeGreaterThanOrEqual(5);

    const learned = await replay({ files: [join(dir, 'first.jsonl')], config, baselines, sinks: [] });
    const state = join(dir, 'first.state.json.gz');
    saveWarmState(state, learned.engine.snapshot(), { files: [join(dir, 'first.jsonl')] }, config, document);

    const kafka = testKafka(config);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, config.kafka);
    await admin.disconnect();

    const env = runEnv(config, { AGENTWATCH_BASELINES_DIR: join(dir, 'baselines'), AGENTWATCH_FLUSH_INTERVAL_MS: '300' });
    const a = launch(env, state);
    await waitFor(() => a.log().includes('"partitions assigned"'), 60_000);
    expect(a.log()).toMatch(/"seeded":8,"alreadyPresent":0,.*"partitions":1.*"msg":"changelog seeded from state"/);
    expect(a.log()).not.toMatch(/learned under other engine settings/);
    await waitFor(() => a.log().includes('"baselines restored"'), 30_000);

    await produceLines(kafka, config.kafka.topics.input, second, agentKey);
    const out = await consumeUntil(
      kafka,
      config.kafka.topics.alerts,
      (all) => all.filter((m) => (JSON.parse(String(m.value)) as Alert).status === 'open').length >= reference.size,
      180_000,
    );
    await sleep(1500);
    const opening = out.map((m) => JSON.parse(String(m.value)) as Alert).filter((x) => x.status === 'open');
    const describe = (a: Alert) => `${a.id} ${a.detector} ${a.agentId} ${a.time} ${a.summary}`;
    const diff = [
      ...referenceAlerts.filter((a) => !opening.some((o) => o.id === a.id)).map((a) => `missing ${describe(a)}`),
      ...opening.filter((o) => !reference.has(o.id)).map((o) => `extra ${describe(o)}`),
    ];
    expect(diff, diff.join('\n')).toEqual([]);
    expect(new Set(opening.map((x) => x.id))).toEqual(reference);
    expect(opening.length).toBe(reference.size);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);

    // Started again with the same file: the deployment's own baselines are newer, none is overwritten.
    const b = launch(env, state);
    await waitFor(() => b.log().includes('"partitions assigned"'), 60_000);
    expect(b.log()).toMatch(/"seeded":0,"alreadyPresent":8/);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });
});
