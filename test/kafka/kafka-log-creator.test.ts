import { PassThrough, Writable } from 'node:stream';
import { logLevel, type LogEntry } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator, kafkaLogLevel } from '../../src/kafka/kafka-client.js';
import { createLogger } from '../../src/telemetry/logger.js';

const entry = (namespace: string, level: logLevel, log: Record<string, unknown>): LogEntry =>
  ({ namespace, level, label: logLevel[level], log: { timestamp: '', message: '', ...log } }) as LogEntry;

/** A pino logger writing JSON records into an array. */
function jsonLogger(level = 'info'): { logger: ReturnType<typeof createLogger>; records: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  const logger = createLogger({ level, format: 'json', stream });
  return {
    logger,
    records: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

// What every `agentwatch run` start used to print as plain ERROR lines between the JSON ones.
const COORDINATOR_LOADING = entry('Connection', logLevel.ERROR, {
  message: 'Response InitProducerId(key: 22, version: 4)',
  broker: '127.0.0.1:9092',
  clientId: 'agentwatch',
  error: "The coordinator is loading and hence can't process requests",
  correlationId: 3,
});
const NOT_LEADER = entry('Producer', logLevel.ERROR, {
  message: 'Failed to send messages: This server is not the leader for that topic-partition',
  retryCount: 0,
  retryTime: 300,
});

describe('kafkaLogCreator', () => {
  it('reports every failed producer send attempt, even those it does not print again', () => {
    let retries = 0;
    const out = new PassThrough();
    const log = kafkaLogCreator(out, [], [], () => retries++)(logLevel.WARN);
    const failed = entry('Producer', logLevel.ERROR, { message: 'Failed to send messages: Request timed out', retryCount: 0, retryTime: 300 });
    log(failed);
    log({ ...failed, log: { ...failed.log, retryCount: 1 } });
    log(entry('Consumer', logLevel.ERROR, { message: 'Crash', retryCount: 0 }));
    log(entry('Producer', logLevel.WARN, { message: 'Limiting retries' }));
    expect(retries).toBe(2);
    expect(
      String(out.read())
        .split('\n')
        .filter((l) => l.includes('Failed to send messages')),
    ).toHaveLength(1);
  });

  it('maps kafkajs levels to pino levels; the retried start-up errors are debug, not error', () => {
    expect(kafkaLogLevel(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, 'Limiting retries')).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, 'Consumer has joined the group')).toBe('info');
    expect(kafkaLogLevel(logLevel.DEBUG, 'Request Metadata')).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, COORDINATOR_LOADING.log.message, COORDINATOR_LOADING.log['error'])).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, NOT_LEADER.log.message)).toBe('debug');
    expect(
      kafkaLogLevel(logLevel.ERROR, 'Response Metadata', 'There is no leader for this topic-partition as we are in the middle of a leadership election'),
    ).toBe('debug');
  });

  it('writes structured records through pino: the coordinator-loading retry only at debug', () => {
    const info = jsonLogger('info');
    const log = kafkaLogCreator({ logger: info.logger })(logLevel.INFO);
    log(COORDINATOR_LOADING);
    log(NOT_LEADER);
    log(entry('Consumer', logLevel.ERROR, { message: 'Crash: KafkaJSNonRetriableError', groupId: 'g' }));
    expect(info.records()).toEqual([expect.objectContaining({ level: 50, kafka: 'Consumer', groupId: 'g', msg: 'Crash: KafkaJSNonRetriableError' })]);

    const debug = jsonLogger('debug');
    kafkaLogCreator({ logger: debug.logger })(logLevel.INFO)(COORDINATOR_LOADING);
    const [record] = debug.records();
    expect(record).toMatchObject({
      level: 20,
      kafka: 'Connection',
      broker: '127.0.0.1:9092',
      error: COORDINATOR_LOADING.log['error'],
      msg: COORDINATOR_LOADING.log.message,
    });
    expect(record).not.toHaveProperty('correlationId');
  });

  it('masks secrets in the message and in every field, in records and in lines', () => {
    const secret = 's3cr3t-pa55';
    const failed = entry('Connection', logLevel.ERROR, { message: `SASL failed for ${secret}`, error: `bad password ${secret}`, broker: 'b:9092' });
    const { logger, records } = jsonLogger('info');
    kafkaLogCreator({ logger }, [secret])(logLevel.INFO)(failed);
    const out = new PassThrough();
    kafkaLogCreator(out, [secret])(logLevel.INFO)(failed);
    const line = String(out.read());
    expect(JSON.stringify(records()) + line).not.toContain(secret);
    expect(records()[0]).toMatchObject({ msg: 'SASL failed for [redacted]', error: 'bad password [redacted]' });
    expect(line).toBe('agentwatch: kafka error [Connection] SASL failed for [redacted] (broker=b:9092, error=bad password [redacted])\n');
  });

  it('one-shot commands print readable lines, warn and up, through the same mapping', () => {
    const out = new PassThrough();
    const log = kafkaLogCreator(out)(logLevel.INFO);
    log(COORDINATOR_LOADING);
    log(entry('Consumer', logLevel.INFO, { message: 'Consumer has joined the group' }));
    log(entry('Producer', logLevel.WARN, { message: 'Limiting retries' }));
    expect(String(out.read())).toBe('agentwatch: kafka warn [Producer] Limiting retries\n');
  });
});
