import { Rng } from '../fleet/prng.js';
import { chaosConfig, chaosFleet } from './chaos-fleet.js';
import { produceSteadily, waitCaughtUp } from './chaos-kafka.js';
import { type ChaosContext, type ScenarioResult, instance, judge, kafkaFor, result, sleep } from './chaos-scenario.js';
import { type RunInstance, restoreLines } from './chaos-instance.js';

/** Fleet size and load: a stream of about a minute (quick: about 20 s). */
function fleetSize(ctx: ChaosContext) {
  return ctx.quick ? { agents: 8, days: 9, scale: 0.1, perSecond: 2_000 } : { agents: 12, days: 10, scale: 0.2, perSecond: 1_500 };
}

/** SIGTERM and the exit code of a clean stop, which must be 0. */
async function stopCleanly(i: RunInstance): Promise<{ code: number | null; ms: number }> {
  const e = await i.kill('SIGTERM');
  return { code: e.code, ms: e.ms };
}

/** `kill -9` of the instance at random points under steady load, restarted each time. */
export async function killNine(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const kills = ctx.quick ? 2 : 10;
  const size = fleetSize(ctx);
  const fleet = await chaosFleet(`${ctx.dir}/kill9`, size);
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'kill9', { baselinesDir: fleet.baselinesDir });
  const kafka = kafkaFor(config);
  const rng = new Rng('chaos-kill9');
  let a = instance(ctx, 'kill9', file).start();
  await a.waitForLog('"running"');
  const producing = produceSteadily(kafka, config.kafka.topics.input, fleet.lines, size.perSecond);
  const streamMs = (fleet.lines.length / size.perSecond) * 1000;
  const restoreMs: number[] = [];
  for (let k = 0; k < kills; k++) {
    await sleep(rng.range(0.3, 1) * (streamMs / kills));
    await a.kill('SIGKILL');
    ctx.log(`kill9: killed at ${k + 1}/${kills}`);
    a = instance(ctx, 'kill9', file).start();
    await a.waitForLog('"baselines restored"');
    for (const r of restoreLines(a.log)) restoreMs.push(r.ms);
  }
  await producing;
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  const stop = await stopCleanly(a);
  const { checks, outcome } = await judge(kafka, config, fleet.reference);
  checks.push({ name: 'SIGTERM exits 0', ok: stop.code === 0, detail: `exit ${stop.code} in ${stop.ms} ms` });
  return result('kill-9', `kill -9 of the instance at ${kills} random points under steady load`, started, checks, {
    events: fleet.lines.length,
    kills,
    'restore ms (max)': Math.max(0, ...restoreMs),
    'alert messages': outcome.alertMessages,
  });
}

/** The broker killed and resumed on the same data under load; the last outage outlasts the retries. */
export async function brokerRestarts(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  // Quick: retries cut to about 8 s, so that a 20 s outage is one the instance must not ride out.
  const outagesMs = ctx.quick ? [20_000] : [6_000, 6_000, 45_000];
  const retry = ctx.quick ? { retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 3_000 } : undefined;
  const size = fleetSize(ctx);
  const fleet = await chaosFleet(`${ctx.dir}/broker`, size);
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'broker', { baselinesDir: fleet.baselinesDir, ...(retry && { retry }) });
  const kafka = kafkaFor(config);
  // An orchestrator: restarts the instance whenever it exits, after a second.
  const exits: { code: number | null; at: number }[] = [];
  let current = instance(ctx, 'broker', file).start();
  let supervising = true;
  const supervisor = (async () => {
    while (supervising) {
      const e = await current.exited;
      if (!supervising) break;
      exits.push({ code: e.code, at: Date.now() });
      await sleep(1_000);
      current = instance(ctx, 'broker', file).start();
    }
  })();
  // The supervisor restarts an instance that fails to start (a loaded machine, short retries): wait for one that runs.
  for (const deadline = Date.now() + 120_000; !current.log.includes('"running"');) {
    if (Date.now() > deadline) throw new Error(`no instance got running within 120 s:\n${current.log.slice(-2000)}`);
    await sleep(200);
  }
  const producing = produceSteadily(kafka, config.kafka.topics.input, fleet.lines, size.perSecond / 2);
  // An outage longer than the retry budget must end the instance that was running when the broker
  // died. That instance is the one judged: exits before the kill (an instance that failed to start
  // on a loaded machine) say nothing about it. The broker stays down until it exits (bounded by the
  // limit), so a slow retry loop on a busy machine cannot ride out a fixed-length outage by luck.
  const retryBudgetMs = retry ? 15_000 : 30_000;
  const lingerLimitS = retry ? 30 : 60;
  const judged: { code: number | null; lingeredS: number | undefined }[] = [];
  for (const outage of outagesMs) {
    await sleep(3_000);
    for (const deadline = Date.now() + 120_000; !(current.running && current.log.includes('"running"'));) {
      if (Date.now() > deadline) throw new Error(`no instance running before the outage:\n${current.log.slice(-2000)}`);
      await sleep(200);
    }
    const victim = current;
    await ctx.broker.kill();
    const downAt = Date.now();
    ctx.log(`broker: killed for ${outage} ms`);
    if (outage > retryBudgetMs) {
      const gone = await Promise.race([victim.exited.then((e) => e), sleep(lingerLimitS * 1000).then(() => undefined)]);
      judged.push({ code: gone?.code ?? null, lingeredS: gone ? (Date.now() - downAt) / 1000 : undefined });
      const rest = outage - (Date.now() - downAt);
      if (rest > 0) await sleep(rest);
    } else {
      await sleep(outage);
    }
    await ctx.broker.resume();
  }
  await producing;
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  supervising = false;
  const stop = await stopCleanly(current);
  await supervisor;
  const { checks } = await judge(kafka, config, fleet.reference);
  checks.push({ name: 'SIGTERM exits 0', ok: stop.code === 0, detail: `exit ${stop.code}` });
  if (judged.length > 0) {
    checks.push({
      name: 'a broker gone past the retries ends the process within seconds, exit ≠ 0',
      ok: judged.every((j) => j.lingeredS !== undefined && j.code !== 0) && exits.every((e) => e.code !== 0),
      detail:
        judged
          .map((j) =>
            j.lingeredS === undefined
              ? `still running ${lingerLimitS} s after the broker died`
              : `exit ${j.code} ${j.lingeredS.toFixed(1)} s after the broker died`,
          )
          .join('; ') + `; all exits: ${exits.map((e) => e.code).join(', ') || 'none'}`,
    });
  }
  return result('broker-restarts', `the broker killed (SIGKILL) and restarted ${outagesMs.length} times on the same data under load`, started, checks, {
    events: fleet.lines.length,
    'outages s': outagesMs.map((o) => o / 1000).join(', '),
    'instance exits (codes)': exits.map((e) => e.code).join(', ') || 'none',
  });
}

/** A second instance joining and leaving every 10 s under load. */
export async function joinLeave(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const durationMs = ctx.quick ? 25_000 : 120_000;
  const size = fleetSize(ctx);
  const fleet = await chaosFleet(`${ctx.dir}/join`, size);
  const { file, config } = chaosConfig(ctx.dir, ctx.broker.brokers, 'join', { baselinesDir: fleet.baselinesDir, sessionTimeoutMs: 10_000 });
  const kafka = kafkaFor(config);
  const a = instance(ctx, 'join-a', file).start();
  await a.waitForLog('"running"');
  const producing = produceSteadily(kafka, config.kafka.topics.input, fleet.lines, (fleet.lines.length / durationMs) * 1000);
  let cycles = 0;
  const leaveCodes: (number | null)[] = [];
  while (Date.now() - started < durationMs) {
    const b = instance(ctx, 'join-b', file).start();
    await sleep(10_000);
    leaveCodes.push((await b.kill('SIGTERM')).code);
    cycles++;
    await sleep(10_000);
  }
  await producing;
  await waitCaughtUp(kafka, config.kafka.groupId, config.kafka.topics.input);
  const stop = await stopCleanly(a);
  const { checks } = await judge(kafka, config, fleet.reference);
  checks.push({
    name: 'every leave and the final stop exit 0',
    ok: stop.code === 0 && leaveCodes.every((c) => c === 0),
    detail: `leaves ${leaveCodes.join(', ')}; final ${stop.code}`,
  });
  return result('join-leave', `a second instance joining and leaving every 10 s for ${durationMs / 1000} s`, started, checks, {
    events: fleet.lines.length,
    cycles,
  });
}
