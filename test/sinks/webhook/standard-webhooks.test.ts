import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../../../src/sinks/webhook/standard-webhooks.js';
import { WebhookTarget } from '../../../src/sinks/webhook/webhook-target.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

// The test vector published with the Standard Webhooks specification (standard-webhooks repo).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const specHeaders = (signature = SPEC.signature, timestamp = SPEC.timestamp) => ({
  'webhook-id': SPEC.id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});
const atSpecTime = { nowMs: SPEC.timestamp * 1000 };

const OTHER = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const NEW = 'whsec_8CqRbKQ0m1Rcl6F0jDcjKyQvc8A0a5bNPaVNPL5wCOg=';

const alert: Alert = {
  id: '6f1c0a0e2b9d4c7e8a1b2c3d4e5f6a7b',
  agentId: 'invoice-bot-7',
  agentClass: 'invoice-summarizer',
  detector: 'rate_spike',
  severity: 'high',
  score: 88,
  time: '2026-03-02T10:15:00.000Z',
  detectedAt: '2026-03-02T10:15:01.000Z',
  summary: 'invoice-bot-7 made 412 calls/min, 11× its usual peak of 37',
  observed: { eventsPerMinute: 412 },
  expected: { p99PerMinute: 37 },
  evidence: ['e1', 'e2'],
  baseline: { events: 50_000, days: 14, learning: false, basis: 'learned' },
  eventId: 'e2',
  status: 'open',
  episode: {
    revision: 0,
    count: 1,
    firstTime: '2026-03-02T10:15:00.000Z',
    lastTime: '2026-03-02T10:15:00.000Z',
    peakScore: 88,
    peakObserved: { eventsPerMinute: 412 },
  },
};

describe('Standard Webhooks signatures', () => {
  it('signs the specification test vector to the published signature', () => {
    expect(signWebhook([SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.payload)).toBe(SPEC.signature);
  });

  it('verifies the specification test vector and returns the message id', () => {
    expect(verifyWebhook(SPEC.secret, specHeaders(), SPEC.payload, atSpecTime)).toBe(SPEC.id);
  });

  it('rejects a changed body', () => {
    expect(() => verifyWebhook(SPEC.secret, specHeaders(), '{"test": 2432232315}', atSpecTime)).toThrow(/no webhook-signature matches/);
  });

  it('rejects a wrong secret', () => {
    expect(() => verifyWebhook(OTHER, specHeaders(), SPEC.payload, atSpecTime)).toThrow(WebhookVerificationError);
  });

  it('rejects a timestamp older or newer than the 5-minute tolerance, accepts one inside it', () => {
    const late = { nowMs: (SPEC.timestamp + 301) * 1000 };
    expect(() => verifyWebhook(SPEC.secret, specHeaders(), SPEC.payload, late)).toThrow(/too old/);
    const early = { nowMs: (SPEC.timestamp - 301) * 1000 };
    expect(() => verifyWebhook(SPEC.secret, specHeaders(), SPEC.payload, early)).toThrow(/future/);
    expect(verifyWebhook(SPEC.secret, specHeaders(), SPEC.payload, { nowMs: (SPEC.timestamp + 299) * 1000 })).toBe(SPEC.id);
  });

  it('rejects a timestamp changed after signing (it is part of the signed content)', () => {
    expect(() => verifyWebhook(SPEC.secret, specHeaders(SPEC.signature, SPEC.timestamp + 1), SPEC.payload, atSpecTime)).toThrow(/no webhook-signature matches/);
  });

  it('rejects missing headers and signatures of another version', () => {
    expect(() => verifyWebhook(SPEC.secret, { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp) }, SPEC.payload, atSpecTime)).toThrow(
      /missing webhook-signature/,
    );
    expect(() => verifyWebhook(SPEC.secret, specHeaders(SPEC.signature.replace('v1,', 'v2,')), SPEC.payload, atSpecTime)).toThrow(
      /no webhook-signature matches/,
    );
  });

  it('during a rotation, one request carries a signature per secret and a receiver holding either one accepts it', () => {
    const both = signWebhook([SPEC.secret, NEW], SPEC.id, SPEC.timestamp, SPEC.payload);
    expect(both.split(' ')).toHaveLength(2);
    expect(both.split(' ')[0]).toBe(SPEC.signature);
    expect(verifyWebhook(SPEC.secret, specHeaders(both), SPEC.payload, atSpecTime)).toBe(SPEC.id);
    expect(verifyWebhook(NEW, specHeaders(both), SPEC.payload, atSpecTime)).toBe(SPEC.id);
    // A receiver that already switched to the new secret only, while the sender signs with the old one only: rejected.
    expect(() => verifyWebhook(NEW, specHeaders(), SPEC.payload, atSpecTime)).toThrow(/no webhook-signature matches/);
    // A receiver holding both secrets accepts a request signed with either.
    expect(verifyWebhook([NEW, SPEC.secret], specHeaders(), SPEC.payload, atSpecTime)).toBe(SPEC.id);
  });
});

describe('webhook target on a loopback receiver', () => {
  let receiver: WebhookReceiver;
  beforeEach(() => void (receiver = new WebhookReceiver()));
  afterEach(() => receiver.down());

  it('POSTs the alert as JSON with the three headers; the signature verifies over the raw body received', async () => {
    await receiver.up();
    const target = new WebhookTarget({
      name: 'soc',
      url: receiver.url,
      preset: 'standard',
      secrets: [SPEC.secret, NEW],
      timeoutMs: 5_000,
      headers: { 'x-tenant': 'acme' },
    });
    await target.send(alert);
    const [req] = await receiver.waitFor(1);
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-tenant']).toBe('acme');
    expect(req?.headers['webhook-id']).toBe(`${alert.id}.0`);
    expect(verifyWebhook(NEW, req?.headers ?? {}, req?.body ?? '')).toBe(`${alert.id}.0`);
    expect(JSON.parse(req?.body ?? '')).toEqual(alert);
    // The same body with one byte changed no longer verifies.
    expect(() => verifyWebhook(NEW, req?.headers ?? {}, (req?.body ?? '').replace('412', '413'))).toThrow(WebhookVerificationError);
  });

  it('gives an update of the incident its own message id, stable across retries', async () => {
    await receiver.up();
    const target = new WebhookTarget({ name: 'soc', url: receiver.url, preset: 'standard', secrets: [SPEC.secret], timeoutMs: 5_000 });
    const update: Alert = { ...alert, status: 'update', episode: { ...(alert.episode as NonNullable<Alert['episode']>), revision: 1, count: 5 } };
    await target.send(update);
    await target.send(update);
    const reqs = await receiver.waitFor(2);
    expect(reqs.map((r) => r.headers['webhook-id'])).toEqual([`${alert.id}.1`, `${alert.id}.1`]);
  });
});
