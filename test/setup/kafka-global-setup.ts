// Vitest globalSetup: a real Kafka broker for the integration tests.
//
// 1. KAFKA_BROKERS set in the environment: use it as is (CI starts its own broker in .ci/run).
// 2. Otherwise start a private single-node broker with scripts/kafka/kafka.sh (fetching its jars
//    with Maven on first use) on 127.0.0.1:19092 (AGENTWATCH_TEST_KAFKA_PORT), with its own data dir,
//    so it never clashes with a dev broker on 9092; stop it on teardown.
// 3. Neither possible (no Java 17 / Maven, or AGENTWATCH_TEST_KAFKA=off): provide nothing, and
//    the tests written with describeKafka (test/setup/kafka-env.ts) are skipped. With CI set,
//    that is an error instead: in CI a skipped broker test must fail the run.
//
// Tests read the address with kafkaBrokers() from test/setup/kafka-env.ts. It is handed over both
// as process.env.KAFKA_BROKERS (Vitest 4 forks its workers after globalSetup, with process.env)
// and as project.provide('kafkaBrokers'), read with inject('kafkaBrokers').
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { KAFKA_SKIP_MESSAGE, TEST_KAFKA_PORT_DEFAULT } from './kafka-constants.js';

const execFileAsync = promisify(execFile);

const KAFKA_SH = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));

export class KafkaSetupError extends Error {
  readonly code = 'KAFKA_SETUP_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaSetupError';
  }
}

function isCI(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

async function kafkaSh(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [KAFKA_SH, command], {
      env,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const detail = (e.stderr ?? '').trim().split('\n').slice(-15).join('\n') || e.message || String(err);
    throw new KafkaSetupError(`scripts/kafka/kafka.sh ${command} failed:\n${detail}`, { cause: err });
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.KAFKA_BROKERS?.trim();
  if (given) {
    project.provide('kafkaBrokers', given);
    return undefined;
  }

  const noBroker = (reason: string): undefined => {
    if (isCI()) {
      throw new KafkaSetupError(`${KAFKA_SKIP_MESSAGE}\nCI is set, so the broker tests may not be skipped. Reason: ${reason}`);
    }
    console.warn(`\n[kafka] ${KAFKA_SKIP_MESSAGE}\n[kafka] reason: ${reason}\n`);
    return undefined;
  };

  if (process.env.AGENTWATCH_TEST_KAFKA?.trim().toLowerCase() === 'off') {
    return noBroker('AGENTWATCH_TEST_KAFKA=off');
  }

  const port = Number(process.env.AGENTWATCH_TEST_KAFKA_PORT ?? TEST_KAFKA_PORT_DEFAULT);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(port + 100),
    AGENTWATCH_KAFKA_DIR: join(tmpdir(), `agentwatch-kafka-test-${port}`),
  };

  const started = Date.now();
  console.log(`[kafka] starting a test broker on 127.0.0.1:${port} (scripts/kafka/kafka.sh; the first run fetches its jars with Maven)`);
  let brokers: string;
  try {
    await kafkaSh('fetch', env, 10 * 60_000); // no-op once the jars are cached
    await kafkaSh('stop', env, 60_000); // a broker left over by a killed run: start afresh
    const out = await kafkaSh('start', env, 150_000);
    const match = /^KAFKA_BROKERS=(\S+)$/m.exec(out);
    if (!match?.[1]) throw new KafkaSetupError(`kafka.sh start printed no KAFKA_BROKERS line:\n${out}`);
    brokers = match[1];
  } catch (err) {
    return noBroker(err instanceof Error ? err.message : String(err));
  }

  console.log(`[kafka] test broker ready at ${brokers} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.env.KAFKA_BROKERS = brokers;
  project.provide('kafkaBrokers', brokers);

  return async () => {
    delete process.env.KAFKA_BROKERS;
    try {
      await kafkaSh('stop', env, 60_000);
    } catch (err) {
      console.warn(`[kafka] could not stop the test broker: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
