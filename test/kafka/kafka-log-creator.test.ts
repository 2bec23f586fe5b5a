import { PassThrough } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator } from '../../src/kafka/kafka-client.js';

describe('kafkaLogCreator', () => {
  it('reports every failed producer send attempt, even those it does not print again', () => {
    let retries = 0;
    const out = new PassThrough();
    const log = kafkaLogCreator(out, logLevel.WARN, [], [], () => retries++)(logLevel.WARN);
    const failed = { namespace: 'Producer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: '', message: 'Failed to send messages: Not leader', retryCount: 0, retryTime: 300 } };
    log(failed);
    log({ ...failed, log: { ...failed.log, retryCount: 1 } });
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: '', message: 'Crash', retryCount: 0 } });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { timestamp: '', message: 'Limiting retries' } });
    expect(retries).toBe(2);
    expect(String(out.read()).split('\n').filter((l) => l.includes('Failed to send messages'))).toHaveLength(1);
  });
});
