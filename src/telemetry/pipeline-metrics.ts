/**
 * What the pipelines (live and replay) report about themselves. A small interface, so that the
 * pipelines do not depend on prom-client and tests can watch them; the engine is observed only
 * from outside, by reading it at scrape time. Every label value passed here is bounded (reject
 * reasons, detector names, severities, sink kinds, partition numbers): never an agent id.
 */
export interface PipelineMetrics {
  /** Events decoded and handed to the engine. Called once per batch, not per event. */
  eventsAccepted(n: number): void;
  /** Events (or messages) rejected for `reason` (a RejectReason). */
  eventsRejected(reason: string, n: number): void;
  /** Rejected messages acknowledged on the dead-letter topic. */
  deadLettered(reason: string, n: number): void;
  alertRaised(detector: string, severity: string): void;
  /** From the triggering message's Kafka timestamp to the alert's acknowledgement. */
  alertLatency(seconds: number): void;
  batchProcessed(seconds: number): void;
  /** Messages behind the partition's high watermark after a batch. */
  consumerLag(partition: number, messages: number): void;
  /** The partitions this instance now owns (revoked ones stop being reported). */
  partitionsAssigned(partitions: readonly number[]): void;
  baselinesRestored(seconds: number, agents: number): void;
  /** One flush of changed baselines to the changelog: `records` snapshots of `bytes` in all. */
  changelogFlushed(seconds: number, ok: boolean, records: number, bytes: number): void;
  offsetCommitFailed(): void;
  /** Snapshots too large for one changelog request, sent trimmed of their least recently seen entries. */
  snapshotsTrimmed(n: number): void;
  /** Events read again after a restart or a lost commit whose agent had already learned them: skipped. */
  eventsRelearnSkipped(n: number): void;
  /** The same event (id and time) delivered again for its agent: counted, learned once. */
  eventsDuplicate(n: number): void;
  /** Sinks known up front, so that their failure counters exist (at 0) before anything fails. */
  declareSinks(sinks: readonly string[]): void;
  sinkDelivered(sink: string, n: number): void;
  sinkFailed(sink: string): void;
  sinkRetried(sink: string): void;
  /** A sink with a delivery queue (webhook, Alertmanager): read at scrape time. */
  observeSinkQueue(sink: string, queue: SinkQueueGauges): void;
  /** Read at scrape time: agents tracked and still learning. */
  observeEngine(engine: EngineGauges): void;
  /** Read at scrape time: whether the instance is ready (the same answer as /readyz). */
  observeReadiness(ready: () => boolean): void;
}

/** What a sink's delivery queue shows at scrape time. */
export interface SinkQueueGauges {
  /** Alerts waiting (queued, not yet delivered). */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Age of the oldest waiting alert (0 when none): how far behind the receiver is. */
  oldestQueuedSeconds(): number;
  /** The receiver answered 410 Gone: nothing is sent until the configuration is fixed. */
  readonly disabled: boolean;
}

/** The part of the Engine the gauges read. */
export interface EngineGauges {
  readonly agentCount: number;
  learningAgentCount(): number;
  /** Approximate bytes of the learned state (engine.maxStateBytes bounds it). */
  readonly stateBytesApprox?: number;
  readonly peerGroupCount?: number;
  readonly stats?: { readonly evictedAgents: number; readonly evictedClasses: number; readonly graceHeld?: number };
}

const nothing = (): void => {};

/** For callers that want no metrics: every method does nothing. */
export const noopPipelineMetrics: PipelineMetrics = {
  eventsAccepted: nothing,
  eventsRejected: nothing,
  deadLettered: nothing,
  alertRaised: nothing,
  alertLatency: nothing,
  batchProcessed: nothing,
  consumerLag: nothing,
  partitionsAssigned: nothing,
  baselinesRestored: nothing,
  changelogFlushed: nothing,
  offsetCommitFailed: nothing,
  snapshotsTrimmed: nothing,
  eventsRelearnSkipped: nothing,
  eventsDuplicate: nothing,
  declareSinks: nothing,
  sinkDelivered: nothing,
  sinkFailed: nothing,
  sinkRetried: nothing,
  observeSinkQueue: nothing,
  observeEngine: nothing,
  observeReadiness: nothing,
};
