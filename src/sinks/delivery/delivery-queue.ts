import type { Alert } from '../../core/alerts/alert.js';
import { DeliveryError, QueueClosedError } from '../../core/errors.js';
import { type PipelineMetrics, type SinkQueueGauges, noopPipelineMetrics } from '../../telemetry/pipeline-metrics.js';
import type { AlertSink } from '../alert-sink.js';
import { type AlertStore, type QueuedAlert, spoolLine } from './alert-store.js';
import { retryDelayMs } from './backoff.js';
import type { DeliveryTarget } from './delivery-target.js';

export interface DeliveryLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface RetrySettings {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** 0: never give up. */
  maxAttempts: number;
  /** 0: never give up. */
  maxRetryMs: number;
}

export interface DeliveryQueueOptions {
  target: DeliveryTarget;
  store: AlertStore;
  maxAlerts: number;
  maxBytes: number;
  /** How long `close` keeps delivering before leaving the rest queued. */
  drainTimeoutMs: number;
  retry: RetrySettings;
  metrics?: PipelineMetrics;
  log?: DeliveryLog;
  random?: () => number;
}

const quiet: DeliveryLog = { info: () => undefined, warn: () => undefined };
const isPowerOfTwo = (n: number) => (n & (n - 1)) === 0;

/**
 * An alert sink in front of a remote receiver: `write` resolves once the alert is queued (on
 * disk: fsync'd), so a caller that awaits it before committing its input never commits past an
 * alert that is neither delivered nor persisted. Delivery runs in the background, one alert at a
 * time in queue order: retried with exponential backoff and full jitter, honouring Retry-After;
 * 410 Gone disables the sink (its alerts stay queued); other refusals of one alert set it aside
 * (failed.jsonl) so the next can go. The queue is bounded: when full, `write` waits for room
 * (back-pressure) instead of dropping.
 */
export class DeliveryQueue implements AlertSink, SinkQueueGauges {
  readonly name: string;
  /** Counts its own deliveries (when the receiver acknowledges, not when queued). */
  readonly countsDeliveries = true;
  delivered = 0;
  failed = 0;
  retried = 0;
  private disabledBy: DeliveryError | undefined;
  private readonly target: DeliveryTarget;
  private readonly store: AlertStore;
  private readonly metrics: PipelineMetrics;
  private readonly log: DeliveryLog;
  /** Alerts admitted whose append is still being written. */
  private reservedCount = 0;
  private reservedBytes = 0;
  /** Writes waiting for room, in call order (FIFO keeps the sink's order). */
  private admission: Promise<void> = Promise.resolve();
  private waitingWrites = 0;
  private roomWaiters: (() => void)[] = [];
  private wakeLoop: (() => void) | undefined;
  private interruptSleep: (() => void) | undefined;
  private closing = false;
  private stopped = false;
  private closed: Promise<void> | undefined;
  private readonly loop: Promise<void>;
  /** Failures in a row (0 while healthy): for logs that say when a receiver is back. */
  private streak = 0;

  constructor(private readonly opts: DeliveryQueueOptions) {
    this.target = opts.target;
    this.name = opts.target.name;
    this.store = opts.store;
    this.metrics = opts.metrics ?? noopPipelineMetrics;
    this.log = opts.log ?? quiet;
    this.metrics.observeSinkQueue(this.name, this);
    if (this.store.count > 0) this.log.info('alert queue: delivering alerts left from a previous run', { sink: this.name, queued: this.store.count });
    this.loop = this.run();
  }

  get queued(): number {
    return this.store.count;
  }

  get queuedBytes(): number {
    return this.store.bytes;
  }

  get disabled(): boolean {
    return this.disabledBy !== undefined;
  }

  oldestQueuedSeconds(): number {
    const oldest = this.store.oldestQueuedAtMs();
    return oldest === undefined || this.store.count === 0 ? 0 : Math.max(0, (Date.now() - oldest) / 1000);
  }

  write(alert: Alert): Promise<void> {
    if (this.closing) return Promise.reject(new QueueClosedError(`sink ${this.name} is closing: alert ${alert.id} not queued`));
    const queuedAtMs = Date.now();
    const bytes = Buffer.byteLength(spoolLine(alert, queuedAtMs));
    if (this.waitingWrites === 0 && this.fits(bytes)) return this.append(alert, queuedAtMs, bytes);
    this.waitingWrites++;
    const admitted = this.admission.then(async () => {
      while (!this.fits(bytes)) {
        if (this.stopped) throw new QueueClosedError(`sink ${this.name} closed while alert ${alert.id} waited for room in its queue`);
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
      }
    });
    this.admission = admitted.catch(() => undefined);
    // Leaves the waiting line and appends in one step, so no later write can slip in between.
    return admitted.then(
      () => {
        this.waitingWrites--;
        return this.append(alert, queuedAtMs, bytes);
      },
      (err: unknown) => {
        this.waitingWrites--;
        throw err;
      },
    );
  }

  private fits(bytes: number): boolean {
    const count = this.store.count + this.reservedCount;
    // One alert larger than the whole budget still goes, alone.
    return count === 0 || (count < this.opts.maxAlerts && this.store.bytes + this.reservedBytes + bytes <= this.opts.maxBytes);
  }

  private async append(alert: Alert, queuedAtMs: number, bytes: number): Promise<void> {
    this.reservedCount++;
    this.reservedBytes += bytes;
    try {
      await this.store.append([alert], queuedAtMs);
    } finally {
      this.reservedCount--;
      this.reservedBytes -= bytes;
    }
    this.wakeLoop?.();
  }

  private roomMade(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const before = this.store.count;
        const item = await this.store.head();
        // Reading ahead, the store may have set aside records that are not alerts: their room is free.
        if (this.store.count < before || item === undefined) this.roomMade();
        if (item === undefined) {
          if (this.closing) return;
          await new Promise<void>((resolve) => (this.wakeLoop = resolve));
          this.wakeLoop = undefined;
          continue;
        }
        if (this.disabled) return;
        await this.deliver(item);
      } catch (err) {
        // The store itself failed (disk): say so, and try again in a moment.
        this.log.warn('alert queue: cannot read or update the queue', { sink: this.name, error: (err as Error).message });
        await this.sleep(1_000);
      }
    }
  }

  /** Delivers one alert: resolves once it is delivered, set aside, the sink disabled, or the queue stopped. */
  private async deliver(item: QueuedAlert): Promise<void> {
    let failures = 0;
    let firstFailureMs = 0;
    while (!this.stopped) {
      try {
        await this.target.send(item.alert, failures + 1);
      } catch (err) {
        if (this.stopped) return;
        const e =
          err instanceof DeliveryError
            ? err
            : new DeliveryError(`${this.target.kind} ${this.name}: ${(err as Error).message}`, { retryable: true, cause: err });
        if (e.disable) {
          this.disabledBy = e;
          this.metrics.sinkFailed(this.name);
          this.log.warn('alert sink disabled: the receiver says it is gone; alerts stay queued until the configuration is fixed and agentwatch restarted', {
            sink: this.name,
            error: e.message,
            queued: this.store.count,
          });
          this.roomMade();
          return;
        }
        failures++;
        this.streak++;
        if (failures === 1) firstFailureMs = Date.now();
        const { maxAttempts, maxRetryMs } = this.opts.retry;
        if (!e.retryable || (maxAttempts > 0 && failures >= maxAttempts) || (maxRetryMs > 0 && Date.now() - firstFailureMs >= maxRetryMs)) {
          await this.store.setAside(item, e.message);
          await this.store.remove(item);
          this.failed++;
          this.metrics.sinkFailed(this.name);
          this.log.warn('alert not delivered: set aside', {
            sink: this.name,
            alertId: item.alert.id,
            attempts: failures,
            error: e.message,
            ...(this.store.setAsidePath && { file: this.store.setAsidePath }),
          });
          this.roomMade();
          return;
        }
        this.retried++;
        this.metrics.sinkRetried(this.name);
        const delay = retryDelayMs(failures, this.opts.retry, e, this.opts.random);
        if (isPowerOfTwo(this.streak))
          this.log.warn('alert delivery failed; alerts wait and are retried', {
            sink: this.name,
            error: e.message,
            failures: this.streak,
            retryInMs: delay,
            queued: this.store.count,
          });
        await this.sleep(delay);
        continue;
      }
      await this.store.remove(item);
      this.delivered++;
      this.metrics.sinkDelivered(this.name, 1);
      if (this.streak > 0) this.log.info('alert delivery recovered', { sink: this.name, failures: this.streak, queued: this.store.count });
      this.streak = 0;
      this.roomMade();
      return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interruptSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.interruptSleep = undefined));
  }

  /** Resolves once nothing is queued (or the sink is disabled): for tests and `replay`. */
  async idle(): Promise<void> {
    while (this.store.count + this.reservedCount > 0 && !this.disabled && !this.stopped) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /**
   * Stops taking alerts, keeps delivering for up to `drainTimeoutMs`, then abandons the attempt in
   * flight: what is left stays queued (on disk) for the next start.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.wakeLoop?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.drainTimeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    this.interruptSleep?.();
    this.wakeLoop?.();
    this.roomMade();
    await this.target.close?.();
    await this.loop;
    await this.admission;
    const left = this.store.count;
    await this.store.close();
    if (left === 0) return;
    if (this.store.persistent)
      this.log.warn('alert queue: alerts left undelivered, kept on disk; they are sent on the next start', { sink: this.name, queued: left });
    else this.log.warn('alert queue: alerts left undelivered and lost (alerts.queue.persist is false)', { sink: this.name, queued: left });
  }
}
