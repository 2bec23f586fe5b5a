import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SH = fileURLToPath(new URL('../kafka/kafka.sh', import.meta.url));

/**
 * A private single-node broker for fault tests (scripts/kafka/kafka.sh on its own port and data
 * dir): it can be killed like a crashed machine and resumed on the same data, which the shared
 * test broker must never be.
 */
export class ChaosBroker {
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private async sh(cmd: string): Promise<void> {
    await run('bash', [KAFKA_SH, cmd], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.port + 100), AGENTWATCH_KAFKA_DIR: this.dir },
      timeout: 120_000,
      maxBuffer: 4 * 1024 * 1024,
    });
  }

  start(): Promise<void> {
    return this.sh('start');
  }

  /** SIGKILL, data kept. */
  kill(): Promise<void> {
    return this.sh('kill');
  }

  /** Up again on the same data (topics, offsets, changelog). */
  resume(): Promise<void> {
    return this.sh('resume');
  }

  stop(): Promise<void> {
    return this.sh('stop');
  }
}
