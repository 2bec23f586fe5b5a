import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { verifyWebhook } from '../../src/sinks/webhook/standard-webhooks.js';
import { ROOT, cli } from '../helpers/cli.js';
import { consumeUntil, isolatedConfig, produceLines, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import { type ReceivedRequest, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

// Two secrets: the receiver is in the middle of a rotation and holds either.
const OLD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEW_SECRET = 'whsec_8CqRbKQ0m1Rcl6F0jDcjKyQvc8A0a5bNPaVNPL5wCOg=';
const T0 = Date.UTC(2026, 2, 2, 9);

/**
 * Four agents each read three secrets declared sensitive (one incident each: an opening alert),
 * then act again five hours later (the quiet period closes each incident: a resolution).
 * 8 alert messages in all, 4 of them opening ones.
 */
function writeFixture(dir: string): { events: string; empty: string; baselines: string } {
  const baselines = join(dir, 'baselines');
  mkdirSync(baselines, { recursive: true });
  writeFileSync(join(baselines, 'sensitive.yaml'), 'sensitive:\n  - pattern: "arn:aws:secretsmanager:*"\n    label: secrets\n');
  const events: object[] = [];
  for (let a = 0; a < 4; a++) {
    for (let k = 0; k < 3; k++) {
      events.push({
        id: `e-${a}-${k}`,
        time: T0 + (a * 3 + k) * 60_000,
        agentId: `agent-${a}`,
        category: 'resource_access',
        action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:eu-west-1:1:secret:s-${a}-${k}`,
      });
    }
  }
  for (let a = 0; a < 4; a++)
    events.push({ id: `later-${a}`, time: T0 + 5 * 3_600_000 + a * 1000, agentId: `agent-${a}`, category: 'api_call', action: 's3:ListBuckets' });
  writeFileSync(join(dir, 'events.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  writeFileSync(join(dir, 'empty.jsonl'), '');
  return { events: join(dir, 'events.jsonl'), empty: join(dir, 'empty.jsonl'), baselines };
}

function writeConfig(dir: string, sinks: string, drainTimeoutMs: number): string {
  const path = join(dir, 'agentwatch.yaml');
  writeFileSync(
    path,
    [
      'engine:',
      '  newSensitiveResource: { quietColdStart: false }',
      'telemetry: { port: 0 }',
      'alerts:',
      `  queue: { dir: queue, drainTimeoutMs: ${drainTimeoutMs} }`,
      '  sinks:',
      sinks,
    ].join('\n'),
  );
  return path;
}

const socSink = (url: string) =>
  `    - { type: webhook, name: soc, url: "${url}", secretsEnv: SOC_WEBHOOK_SECRETS, retry: { initialBackoffMs: 50, maxBackoffMs: 400 } }`;
const secretsEnv = { SOC_WEBHOOK_SECRETS: `${OLD_SECRET} ${NEW_SECRET}` };

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** The CLI as a child process the test keeps talking to (spawnSync would block the receivers). */
function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    stderr: () => err,
    exited,
    async waitForStderr(re, timeoutMs = 60_000) {
      for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(50)) {
        const m = err.match(re);
        if (m) return m;
      }
      throw new Error(`waited for ${String(re)} on stderr:\n${err}`);
    },
  };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Alert);
const messageId = (a: Alert) => `${a.id}.${a.episode?.revision ?? 0}`;
const bodies = (reqs: readonly ReceivedRequest[]) => reqs.map((r) => JSON.parse(r.body) as Alert);

/** Every request verifies with either secret of the rotation; returns the message ids. */
function verifyAll(reqs: readonly ReceivedRequest[]): string[] {
  return reqs.map((r) => {
    const id = verifyWebhook(OLD_SECRET, r.headers, r.body);
    expect(verifyWebhook(NEW_SECRET, r.headers, r.body)).toBe(id);
    return id;
  });
}

describe('webhook delivery through agentwatch replay', { timeout: 180_000 }, () => {
  let dir: string;
  let soc: WebhookReceiver;
  let chat: WebhookReceiver;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-webhook-'));
    soc = new WebhookReceiver();
    chat = new WebhookReceiver();
    // Known ports, closed: the SOC receiver is down when the replay starts.
    await soc.up();
    await soc.down();
  });
  afterEach(async () => {
    await soc.down();
    await chat.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a receiver down for a while gets every alert once it is back, in order, ids unchanged, signed; the wait shows in /metrics', async () => {
    const f = writeFixture(dir);
    await chat.up();
    chat.answer = (_, i) => (i < 2 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200, body: 'ok' });
    const config = writeConfig(
      dir,
      [
        socSink(soc.url),
        `    - { type: webhook, name: chat, url: "${chat.url}", preset: slack, statuses: [open], retry: { initialBackoffMs: 50, maxBackoffMs: 400 } }`,
      ].join('\n'),
      60_000,
    );
    const out = join(dir, 'alerts.jsonl');
    const run = start(['replay', f.events, '--config', config, '--baselines', f.baselines, '--output', out, '--metrics', '--no-progress'], secretsEnv);

    await run.waitForStderr(/alert delivery failed.*sink: soc/);
    const [, url] = await run.waitForStderr(/serving \/metrics, \/healthz and \/readyz at (\S+)/);
    // While the receiver is down, its alerts wait in the queue, and the metrics say so.
    let exposition = '';
    // Waited out by the clock, not a count of tries: on a loaded machine the replay takes longer to queue all 8.
    for (const end = Date.now() + 30_000; Date.now() < end && !/agentwatch_sink_queued_alerts\{sink="soc"\} 8\b/.test(exposition); await sleep(50)) {
      exposition = await (await fetch(`${url}/metrics`)).text();
    }
    expect(exposition).toMatch(/agentwatch_sink_queued_alerts\{sink="soc"\} 8\b/);
    expect(Number(exposition.match(/agentwatch_sink_oldest_queued_age_seconds\{sink="soc"\} ([\d.e-]+)/)?.[1])).toBeGreaterThan(0);
    expect(exposition).toMatch(/agentwatch_sink_disabled\{sink="soc"\} 0/);
    expect(Number(exposition.match(/agentwatch_sink_retries_total\{sink="soc"\} (\d+)/)?.[1])).toBeGreaterThan(0);
    expect(soc.requests).toHaveLength(0);

    await soc.up();
    expect(await run.exited, run.stderr()).toBe(0);
    const written = lines(out);
    expect(written).toHaveLength(8);
    expect(written.filter((a) => a.status === 'open')).toHaveLength(4);
    expect(written.filter((a) => a.status === 'resolved')).toHaveLength(4);

    // Every alert message, once, in order, byte-for-byte the alert of --output, with its id.
    expect(bodies(soc.requests)).toEqual(written);
    expect(verifyAll(soc.requests)).toEqual(written.map(messageId));
    expect(run.stderr()).toMatch(/Sink soc: 8 delivered\n/);
    expect(run.stderr()).toMatch(/alert delivery recovered/);

    // The Slack sink, routed to opening alerts only, got them after two 503s, as Slack messages.
    const opening = written.filter((a) => a.status === 'open');
    const delivered = chat.requests.slice(2);
    expect(chat.requests).toHaveLength(6);
    expect(delivered.map((r) => r.headers['webhook-id'])).toEqual(opening.map(messageId));
    for (const [i, r] of delivered.entries()) {
      const body = JSON.parse(r.body) as { text: string; blocks: { type: string }[] };
      expect(body.text).toContain(opening[i]?.agentId);
      expect(body.text).toMatch(/^New: MEDIUM new sensitive resource/);
      expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    }
    expect(run.stderr()).toMatch(/Sink chat: 4 delivered\n/);
  });

  it('what a replay could not deliver stays queued on disk and is delivered, unchanged, by the next start', async () => {
    const f = writeFixture(dir);
    const out = join(dir, 'alerts.jsonl');
    const first = await cli(['replay', f.events, '--config', writeConfig(dir, socSink(soc.url), 300), '--baselines', f.baselines, '--output', out], {
      env: secretsEnv,
    });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Sink soc: 0 delivered, 8 still queued \(sent on the next start\)/);

    // Back up; the next run has no events of its own: what arrives is what the first one queued.
    await soc.up();
    const second = start(['replay', f.empty, '--config', writeConfig(dir, socSink(soc.url), 60_000), '--output', join(dir, 'none.jsonl')], secretsEnv);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(second.stderr()).toMatch(/delivering alerts left from a previous run.*queued: 8/);
    expect(second.stderr()).toMatch(/Sink soc: 8 delivered\n/);
    expect(bodies(soc.requests)).toEqual(lines(out));
    expect(verifyAll(soc.requests)).toEqual(lines(out).map(messageId));
  });

  it('refuses a standard webhook without a secret, naming the path and the fix, and never prints a secret', async () => {
    const f = writeFixture(dir);
    const noSecret = await cli([
      'replay',
      f.events,
      '--config',
      writeConfig(dir, `    - { type: webhook, name: soc, url: "${soc.url}" }`, 0),
      '--output',
      join(dir, 'a.jsonl'),
    ]);
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toMatch(/alerts\.sinks\[0\] \(soc\): a standard webhook is signed: set secrets \(or secretsEnv\).*whsec_.*\[AW_INVALID_CONFIG\]/);
    const unset = await cli(['replay', f.events, '--config', writeConfig(dir, socSink(soc.url), 0), '--output', join(dir, 'a.jsonl')], {
      env: { SOC_WEBHOOK_SECRETS: '' },
    });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toMatch(/secretsEnv names SOC_WEBHOOK_SECRETS, which is not set/);
    const bad = await cli(['replay', f.events, '--config', writeConfig(dir, socSink(soc.url), 0), '--output', join(dir, 'a.jsonl')], {
      env: { SOC_WEBHOOK_SECRETS: 'hunter2-not-a-secret' },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/secret 1 in SOC_WEBHOOK_SECRETS is not a whsec_… secret/);
    expect(bad.stderr).not.toContain('hunter2');
  });
});

describeKafka('webhook delivery through agentwatch run', { timeout: 240_000 }, () => {
  it('alerts raised while the receiver is down reach it once it is back, and the alerts topic, with the same ids', async () => {
    const brokers = kafkaBrokers() as string;
    const dir = mkdtempSync(join(tmpdir(), 'aw-webhook-run-'));
    const soc = new WebhookReceiver();
    await soc.up();
    await soc.down();
    const f = writeFixture(dir);
    const config = isolatedConfig(brokers, { partitions: 2 });
    const kafka = testKafka(config);
    const file = writeConfig(dir, ['    - { type: kafka, name: alerts-topic }', socSink(soc.url)].join('\n'), 10_000);
    const run = start(['run', '--config', file, '--baselines', f.baselines], runEnv(config, secretsEnv));
    try {
      await run.waitForStderr(/"partitions assigned"/);
      await produceLines(
        kafka,
        config.kafka.topics.input,
        readFileSync(f.events, 'utf8').trim().split('\n'),
        (l) => (JSON.parse(l) as { agentId: string }).agentId,
      );
      await run.waitForStderr(/alert delivery failed/);
      await soc.up();
      await soc.waitFor(8, 60_000);
      const topic = await consumeUntil(kafka, config.kafka.topics.alerts, (all) => all.length >= 8, 60_000);
      const fromTopic = topic.map((m) => JSON.parse(String(m.value)) as Alert);
      const received = bodies(soc.requests);
      expect(received).toHaveLength(8);
      expect(received.filter((a) => a.status === 'open')).toHaveLength(4);
      expect(received.filter((a) => a.status === 'resolved')).toHaveLength(4);
      // The same messages on both sinks: same ids and revisions (the topic's order is per partition).
      expect(verifyAll(soc.requests).sort()).toEqual(fromTopic.map(messageId).sort());
      expect(new Set(received.map((a) => a.id))).toEqual(new Set(fromTopic.map((a) => a.id)));
      // Per agent, the webhook saw the opening before the resolution.
      for (const agent of ['agent-0', 'agent-1', 'agent-2', 'agent-3'])
        expect(received.filter((a) => a.agentId === agent).map((a) => a.status)).toEqual(['open', 'resolved']);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited, run.stderr()).toBe(0);
      await soc.down();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
