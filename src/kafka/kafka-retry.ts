/**
 * Start-up calls to Kafka retried while the broker says "not yet" (issue 12): a topic just
 * created has no leader for a moment ("This server is not the leader for that
 * topic-partition"), a coordinator is still loading, a broker is restarting. Only errors kafkajs
 * marks retriable (or whose cause it does) are retried, with doubling back-off up to a deadline;
 * anything else is thrown at once, unchanged, so that the hint printed names the real cause.
 */
export async function withKafkaRetries<T>(fn: () => Promise<T>, opts: { deadlineMs?: number; initialDelayMs?: number; maxDelayMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 30_000);
  let delay = opts.initialDelayMs ?? 100;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriableKafkaError(err) || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 2_000);
    }
  }
}

/** True for kafkajs errors that a later attempt may not meet (leadership moving, coordinator loading, connection lost). */
export function isRetriableKafkaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const o = e as { retriable?: unknown; name?: unknown; type?: unknown; cause?: unknown; originalError?: unknown };
    if (o.retriable === true) return true;
    if (o.name === 'KafkaJSConnectionError' || o.name === 'KafkaJSRequestTimeoutError' || o.name === 'KafkaJSBrokerNotFound') return true;
    if (typeof o.type === 'string' && RETRIABLE_TYPES.has(o.type)) return true;
    e = o.cause ?? o.originalError;
  }
  return false;
}

const RETRIABLE_TYPES = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'REBALANCE_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
]);
