import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT, agentwatch } from '../helpers/cli.js';
import { isolatedConfig, produceLines, runEnv, sleep, testKafka } from '../helpers/kafka.js';
import { describeKafka, kafkaBrokers } from '../setup/kafka-env.js';

describeKafka('agentwatch run: lifecycle', { timeout: 180_000 }, () => {
  const brokers = kafkaBrokers() as string;

  it('on SIGTERM finishes, flushes, commits and leaves the group, exiting 0', async () => {
    const config = isolatedConfig(brokers, { partitions: 2 });
    const kafka = testKafka(config);
    const env = runEnv(config, { AGENTWATCH_FLUSH_INTERVAL_MS: '60000' });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/agentwatch.ts', 'run'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += String(d)));
    for (let i = 0; i < 300 && !log.includes('"partitions assigned"'); i++) await sleep(100);
    const events = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ id: `e${i}`, time: 1772445600000 + i * 1000, agentId: `agent-${i % 5}`, category: 'api_call', action: 'x' }),
    );
    await produceLines(kafka, config.kafka.topics.input, events, (l) => (JSON.parse(l) as { agentId: string }).agentId);
    await sleep(3000);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toMatch(/stopping: finishing the batch, flushing baselines, committing/);
    // The flush interval is a minute: only the shutdown flush can have committed these offsets.
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: config.kafka.groupId, topics: [config.kafka.topics.input] });
    const total = committed?.partitions.reduce((n, p) => n + Number(p.offset), 0);
    const baselines = await admin.fetchTopicOffsets(config.kafka.topics.baselines);
    const groups = await admin.describeGroups([config.kafka.groupId]);
    await admin.disconnect();
    expect(total).toBe(50);
    expect(baselines.reduce((n, p) => n + Number(p.high), 0)).toBe(5);
    expect(groups.groups[0]?.members).toEqual([]);
  });

  it('never prints the SASL password, and explains an unreachable broker in one line (exit 2)', () => {
    const secret = 'pa55-w0rd-that-must-not-leak';
    const r = agentwatch(['run'], {
      env: {
        AGENTWATCH_METRICS_PORT: '0',
        AGENTWATCH_KAFKA_BROKERS: '127.0.0.1:1',
        AGENTWATCH_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        AGENTWATCH_KAFKA_SASL_USERNAME: 'agentwatch',
        AGENTWATCH_KAFKA_SASL_PASSWORD: secret,
      },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/agentwatch: cannot start on Kafka at 127\.0\.0\.1:1: .* \[AW_KAFKA_UNAVAILABLE\]/);
    expect(r.stderr + r.stdout).not.toContain(secret);
    expect(r.stderr).toContain('[redacted]');
  });
});
