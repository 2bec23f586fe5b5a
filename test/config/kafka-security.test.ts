import { describe, expect, it } from 'vitest';
import { kafkaSecurityWarnings } from '../../src/config/kafka-security.js';

const ssl = { enabled: false, rejectUnauthorized: true };
const sasl = (mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512') => ({ mechanism, username: 'u', password: 'hunter2' });

describe('kafkaSecurityWarnings', () => {
  it('warns about SASL PLAIN without TLS, never quoting the password', () => {
    const [warning, ...rest] = kafkaSecurityWarnings({ brokers: ['b:9092'], ssl, sasl: sasl('plain') });
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^kafka\.sasl\.mechanism is plain and kafka\.ssl\.enabled is false: the SASL password goes to the broker in clear text/);
    expect(warning).not.toContain('hunter2');
  });

  it('is quiet with TLS, with SCRAM, or without SASL', () => {
    expect(kafkaSecurityWarnings({ brokers: ['b:9093'], ssl: { ...ssl, enabled: true }, sasl: sasl('plain') })).toEqual([]);
    expect(kafkaSecurityWarnings({ brokers: ['b:9092'], ssl, sasl: sasl('scram-sha-512') })).toEqual([]);
    expect(kafkaSecurityWarnings({ brokers: ['b:9092'], ssl })).toEqual([]);
  });

  it('warns when TLS does not verify the brokers', () => {
    expect(kafkaSecurityWarnings({ brokers: ['b:9093'], ssl: { enabled: true, rejectUnauthorized: false } })).toEqual([
      expect.stringMatching(/^kafka\.ssl\.rejectUnauthorized is false/),
    ]);
  });
});
