import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../scripts/kafka/kafka.sh', import.meta.url));

export interface BenchBroker {
  brokers: string;
  port: number;
  dir: string;
  /** Idempotent and synchronous (safe in signal and exit handlers). */
  stop(): void;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A private broker from scripts/kafka/kafka.sh: its own port (from 39092 up, the KRaft controller
 * on port + 100) and data dir, so it never meets the test broker or a developer's. Stopped (and its
 * data dir removed) by `stop()`, which is also wired to exit, SIGINT and SIGTERM.
 */
export async function startBenchBroker(log: (s: string) => void, firstPort = 39092): Promise<BenchBroker> {
  let port = firstPort;
  while (!((await portFree(port)) && (await portFree(port + 100)))) {
    if (++port > firstPort + 50) throw new Error(`no free port pair from ${firstPort}`);
  }
  const dir = `/tmp/aw-bench-kafka-${port}`;
  const env = { ...process.env, KAFKA_PORT: String(port), AGENTWATCH_KAFKA_DIR: dir };
  const run = (cmd: string) => spawnSync('bash', [SCRIPT, cmd], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  const fetched = run('fetch');
  if (fetched.status !== 0) throw new Error(`kafka.sh fetch failed:\n${fetched.stderr}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const r = run('stop');
    log(`broker on ${port} stopped${r.status === 0 ? '' : ` (kafka.sh stop exited ${r.status}: ${r.stderr.trim()})`}`);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  log(`starting a private Kafka broker on 127.0.0.1:${port} (data ${dir}) …`);
  const started = run('start');
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(started.stdout)?.[1];
  if (started.status !== 0 || !brokers) {
    stop();
    throw new Error(`kafka.sh start failed:\n${started.stderr}`);
  }
  return { brokers, port, dir, stop };
}
