import { WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { chaosConfig, chaosFleet } from './chaos-fleet.js';
import { produceSteadily, topicSize, waitCaughtUp } from './chaos-kafka.js';
import { restoreLines } from './chaos-instance.js';
import { type ChaosContext, type ScenarioResult, instance, judge, kafkaFor, result, sleep } from './chaos-scenario.js';

const DAY = 86_400_000;

/** 40 calls over a day per agent, on 20 resources each (issue 12's reproduction of the lost baselines). */
function bigFleetLines(agents: number, perAgent: number, startMs: number, round: number): string[] {
  const lines: string[] = [];
  for (let j = 0; j < perAgent; j++) {
    const t = startMs + Math.floor((j * DAY) / perAgent);
    for (let a = 0; a < agents; a++) {
      const agentId = `svc-${String(a).padStart(5, '0')}`;
      lines.push(
        JSON.stringify({
          id: `${agentId}-${round}-${j}`,
          time: new Date(t + a).toISOString(),
          agentId,
          category: 'resource_access',
          action: 'storage.blob.read',
          resource: `arn:aws:s3:::bucket-${a}/reports/2026/object-${j % 20}.parquet`,
        }),
      );
    }
  }
  return lines;
}

/** 5,000 agents on one partition: SIGTERM and restart restores them all; after SIGKILL, at least the state of the last commit. */
export async function bigPartition(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const agents = 5_000;
  const perAgent = ctx.quick ? 10 : 40;
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'big', { partitions: 1 });
  const kafka = kafkaFor(config);
  const t0 = Date.parse('2026-03-02T00:00:00Z');
  let a = instance(ctx, 'big', file).start();
  await a.waitForLog('"running"');
  await produceSteadily(kafka, config.kafka.topics.input, bigFleetLines(agents, perAgent, t0, 1), 50_000, { chunk: 2_000 });
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  const stop1 = await a.kill('SIGTERM');
  const flushFailed = /changelog flush failed|Changelog/.test(a.log);
  a = instance(ctx, 'big', file).start();
  await a.waitForLog('"baselines restored"');
  const restore = restoreLines(a.log)[0] ?? { agents: 0, records: 0, ms: 0 };
  // Second round: killed mid-stream; the restart must hold at least what was committed.
  const round2 = bigFleetLines(agents, ctx.quick ? 4 : 10, t0 + DAY, 2);
  const producing = produceSteadily(kafka, config.kafka.topics.input, round2, 10_000, { chunk: 1_000 });
  await sleep(ctx.quick ? 3_000 : 5_000);
  await a.kill('SIGKILL');
  const admin = kafka.admin();
  await admin.connect();
  const committed = Number((await admin.fetchOffsets({ groupId: config.kafka.groupId, topics: [config.kafka.topics.input] }))[0]?.partitions[0]?.offset ?? 0);
  await admin.disconnect();
  a = instance(ctx, 'big', file).start();
  await a.waitForLog('"baselines restored"');
  await producing;
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  const stop2 = await a.kill('SIGTERM');
  const { checks, outcome } = await judge(kafka, config, new Set());
  let bytes = 0;
  for (const s of outcome.snapshots.values()) bytes += Buffer.byteLength(JSON.stringify(s));
  checks.push(
    { name: 'SIGTERM exits 0, no flush failure', ok: stop1.code === 0 && stop2.code === 0 && !flushFailed, detail: `exits ${stop1.code}, ${stop2.code}` },
    {
      name: `all ${agents} agents restored after SIGTERM`,
      ok: restore.agents === agents,
      detail: `${restore.agents} agents from ${restore.records} records in ${restore.ms} ms`,
    },
    {
      name: 'after SIGKILL the changelog holds at least the committed events',
      ok: outcome.stateEvents >= committed,
      detail: `committed offset ${committed}; state ${outcome.stateEvents} events at the end`,
    },
  );
  return result(
    'big-partition',
    `${agents} agents on one partition (${perAgent} calls each, 20 resources): SIGTERM, restart, SIGKILL, restart`,
    started,
    checks,
    {
      agents,
      'restore ms': restore.ms,
      'changelog bytes per agent': Math.round(bytes / Math.max(1, outcome.agents)),
    },
  );
}

/** Future-dated and epoch-0 events among the fleet: the alerts equal the clean run's; the bad ones are dead-lettered. */
export async function badClocks(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const fleet = await chaosFleet(`${ctx.dir}/clocks`, ctx.quick ? { agents: 8, days: 9, scale: 0.1 } : { agents: 12, days: 10, scale: 0.2 });
  const bad = [
    { id: 'bad-9999-new', time: '9999-12-31T23:59:59Z', agentId: 'clock-9999', category: 'api_call', action: 'sts:GetCallerIdentity' },
    { id: 'bad-epoch0-ms', time: 0, agentId: 'clock-epoch', category: 'api_call', action: 'sts:GetCallerIdentity' },
    { id: 'bad-epoch0-iso', time: '1970-01-01T00:00:00Z', agentId: 'clock-epoch-2', category: 'api_call', action: 'sts:GetCallerIdentity' },
    { id: 'bad-future-2099', time: '2099-06-01T00:00:00Z', agentId: 'clock-2099', category: 'api_call', action: 'sts:GetCallerIdentity' },
  ];
  const lines = fleet.lines.slice();
  // Known agents too: a fleet member's clock jumping years ahead.
  const member = (JSON.parse(lines[100] as string) as { agentId: string }).agentId;
  bad.push({ id: 'bad-member-2031', time: '2031-01-01T00:00:00Z', agentId: member, category: 'api_call', action: 'sts:GetCallerIdentity' });
  bad.forEach((b, i) => lines.splice(Math.floor(((i + 1) * lines.length) / (bad.length + 1)), 0, JSON.stringify(b)));
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'clocks', { baselinesDir: fleet.baselinesDir });
  const kafka = kafkaFor(config);
  const a = instance(ctx, 'clocks', file).start();
  await a.waitForLog('"running"');
  await produceSteadily(kafka, config.kafka.topics.input, lines, 20_000, { chunk: 2_000 });
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  await a.kill('SIGTERM');
  const { checks, outcome } = await judge(kafka, config, fleet.reference, { exact: true });
  const rejected = outcome.deadLetterReasons['time_out_of_range'] ?? 0;
  checks.push({ name: 'every bad clock dead-lettered as time_out_of_range', ok: rejected === bad.length, detail: `${rejected} of ${bad.length}` });
  checks.push({
    name: 'no agent created by a bad clock',
    ok: !['clock-9999', 'clock-epoch', 'clock-2099'].some((id) => outcome.snapshots.has(id)),
    detail: `${outcome.agents} agents in the changelog`,
  });
  return result('bad-clocks', 'future-dated (9999, 2099, a member in 2031) and epoch-0 events among the fleet', started, checks, {
    events: lines.length,
    'bad events': bad.length,
    'reference alerts': fleet.reference.size,
  });
}

/** A webhook receiver down for 2× the session timeout with a small queue: delivered once per id after it returns; events counted once. */
export async function slowSink(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const sessionTimeoutMs = 6_000;
  const fleet = await chaosFleet(`${ctx.dir}/sink`, { agents: 8, days: 9, scale: 0.1 });
  const receiver = await new WebhookReceiver().up();
  const url = receiver.url;
  await receiver.down();
  const secret = `whsec_${Buffer.from('agentwatch-chaos-secret-0123456789').toString('base64')}`;
  const alerts = {
    queue: { dir: `${ctx.dir}/sink-queue`, maxAlerts: 2, drainTimeoutMs: 10_000 },
    sinks: [
      { name: 'topic', type: 'kafka' },
      { name: 'soc', type: 'webhook', url, secrets: [secret], retry: { initialBackoffMs: 200, maxBackoffMs: 1_000 } },
    ],
  };
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'sink', { baselinesDir: fleet.baselinesDir, sessionTimeoutMs, alerts });
  const kafka = kafkaFor(config);
  const a = instance(ctx, 'sink', file).start();
  await a.waitForLog('"running"');
  await produceSteadily(kafka, config.kafka.topics.input, fleet.lines, 20_000, { chunk: 2_000 });
  await sleep(2 * sessionTimeoutMs + 3_000);
  const rebalancedWhileDown = /"partitions assigned"/g.exec(a.log.slice(a.log.indexOf('"partitions assigned"') + 1)) !== null;
  await receiver.up();
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input, 240_000);
  const stop = await a.kill('SIGTERM');
  await receiver.down();
  const { checks, outcome } = await judge(kafka, config, fleet.reference);
  const webhookIds = receiver.requests.map((r) => String(r.headers['webhook-id']));
  const delivered = new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { id: string }).id));
  const missing = [...fleet.reference].filter((id) => !delivered.has(id));
  checks.push(
    {
      name: 'every reference alert delivered to the webhook after it returned',
      ok: missing.length === 0,
      detail: `${fleet.reference.size - missing.length}/${fleet.reference.size}`,
    },
    {
      name: 'each message delivered once (webhook-id)',
      ok: new Set(webhookIds).size === webhookIds.length,
      detail: `${webhookIds.length} requests, ${new Set(webhookIds).size} distinct ids`,
    },
    {
      name: 'the group membership was kept while waiting (no reassignment)',
      ok: !rebalancedWhileDown,
      detail: rebalancedWhileDown ? 'partitions were reassigned' : 'one assignment',
    },
    { name: 'SIGTERM exits 0', ok: stop.code === 0, detail: `exit ${stop.code}` },
  );
  const input = await topicSize(kafka, config.kafka.topics.input);
  return result('slow-sink', `a webhook receiver down for ${(2 * sessionTimeoutMs) / 1000} s (2× sessionTimeout) with a queue of 2 alerts`, started, checks, {
    events: input,
    'alert messages': outcome.alertMessages,
    'webhook requests': webhookIds.length,
  });
}
