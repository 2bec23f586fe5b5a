import type { Alert, AlertStatus } from '../core/alerts/alert.js';
import { type DetectorName, SEVERITY_ORDER, type Severity } from '../core/detectors/detector.js';
import { type PipelineMetrics, noopPipelineMetrics } from '../telemetry/pipeline-metrics.js';
import type { AlertSink } from './alert-sink.js';

/** Which alert messages a sink receives (the routing keys of `alerts.sinks`). */
export interface AlertRoute {
  minSeverity: Severity;
  /** Empty: every detector. */
  detectors: readonly DetectorName[];
  statuses: readonly AlertStatus[];
}

/** Every message: what `--output`, `--print` and the default Kafka topic receive. */
export const ALL_ALERTS: AlertRoute = { minSeverity: 'low', detectors: [], statuses: ['open', 'update', 'resolved'] };

export function routeAccepts(route: AlertRoute, alert: Alert): boolean {
  return (
    SEVERITY_ORDER.indexOf(alert.severity) >= SEVERITY_ORDER.indexOf(route.minSeverity) &&
    (route.detectors.length === 0 || route.detectors.includes(alert.detector)) &&
    route.statuses.includes(alert.status ?? 'open')
  );
}

/**
 * A sink behind its route: writes only what the route accepts and counts what it wrote as
 * delivered, unless the sink counts its own deliveries (a delivery queue counts on the receiver's
 * acknowledgement, not on queueing).
 */
export class RoutedSink implements AlertSink {
  readonly countsDeliveries = true;
  readonly name: string;

  constructor(
    readonly sink: AlertSink,
    readonly route: AlertRoute,
    private readonly metrics: PipelineMetrics = noopPipelineMetrics,
  ) {
    this.name = sink.name;
  }

  write(alert: Alert): void | Promise<void> {
    if (!routeAccepts(this.route, alert)) return;
    const pending = this.sink.write(alert);
    if (this.sink.countsDeliveries) return pending;
    if (!pending) {
      this.metrics.sinkDelivered(this.name, 1);
      return;
    }
    return pending.then(() => this.metrics.sinkDelivered(this.name, 1));
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}

/**
 * Fans each alert message out to the sinks whose routes accept it. The Kafka alerts topic is not
 * among the sinks: `agentwatch run` sends it with the batch (acks=-1) and asks `toKafka` which
 * messages go there.
 */
export class AlertRouter {
  constructor(
    readonly sinks: readonly RoutedSink[],
    /** Undefined: nothing goes to the Kafka alerts topic. */
    readonly kafka: AlertRoute | undefined,
  ) {}

  /** The `sink` metric labels, Kafka's included. */
  get names(): string[] {
    return [...(this.kafka ? ['kafka'] : []), ...this.sinks.map((s) => s.name)];
  }

  toKafka(alert: Alert): boolean {
    return this.kafka !== undefined && routeAccepts(this.kafka, alert);
  }

  /**
   * Writes to every accepting sink. Returns a promise only when one must be awaited (a sink
   * applying back-pressure, a delivery queue persisting): the caller awaits it before moving its
   * input offsets.
   */
  write(alert: Alert): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const sink of this.sinks) {
      const pending = sink.write(alert);
      if (pending) (waits ??= []).push(pending);
    }
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  /** Closes every sink (delivery queues drain for their bounded time, in parallel). */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
