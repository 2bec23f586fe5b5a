import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { AlertSpool, REJECTED_FILE } from '../../../src/sinks/delivery/alert-spool.js';
import { spoolLine } from '../../../src/sinks/delivery/alert-store.js';
import { DeliveryQueue } from '../../../src/sinks/delivery/delivery-queue.js';
import type { DeliveryTarget } from '../../../src/sinks/delivery/delivery-target.js';
import { prometheusReloadMetrics } from '../../../src/telemetry/reload-metrics.js';
import { testAlert } from '../../helpers/alert-fixture.js';

const SEGMENT = 'segment-0000000001.jsonl';

/** A spool folder whose first segment holds `lines` as they are (no cursor: all of it is queued). */
function spoolDir(lines: string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'aw-spool-')), 'soc');
  mkdirSync(dir);
  writeFileSync(join(dir, SEGMENT), lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join(''));
  return dir;
}

/** Receives what the queue sends; what a real target would do with `{}` is throw, every time. */
class Recorder implements DeliveryTarget {
  readonly name = 'soc';
  readonly kind = 'test';
  readonly sent: Alert[] = [];
  async send(alert: Alert): Promise<void> {
    if (typeof alert?.id !== 'string') throw new TypeError("Cannot read properties of undefined (reading 'id')");
    this.sent.push(alert);
  }
}

async function deliverAll(dir: string, registry = new Registry()) {
  const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
  const spool = await AlertSpool.open(dir, {
    warn: (msg, fields) => warnings.push({ msg, ...(fields && { fields }) }),
    metrics: prometheusReloadMetrics(registry),
  });
  const target = new Recorder();
  const q = new DeliveryQueue({
    target,
    store: spool,
    maxAlerts: 1000,
    maxBytes: 1 << 24,
    drainTimeoutMs: 1000,
    retry: { initialBackoffMs: 1, maxBackoffMs: 5, maxAttempts: 0, maxRetryMs: 0 },
  });
  await q.idle();
  await q.close();
  const rejected = (() => {
    try {
      return readFileSync(join(dir, REJECTED_FILE), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { reason: string; segment: string; offset: number; bytes: number; record?: string });
    } catch {
      return [];
    }
  })();
  const counter = (await registry.metrics()).split('\n').find((l) => l.startsWith('agentwatch_reload_records_rejected_total{what="spool"}'));
  return { sent: target.sent, warnings, rejected, counted: Number(counter?.split(' ')[1]), queued: spool.count };
}

const good = (n: number) => spoolLine(testAlert(n), 1_000 + n);

describe('a spool with records that are not alerts (issue 13)', () => {
  it('sets each aside in rejected.jsonl with its reason, counts it, and delivers its neighbours in order', async () => {
    const bad = { ...testAlert(9), severity: 'urgent' };
    const dir = spoolDir([
      good(1),
      '{}',
      good(2),
      'not json {',
      JSON.stringify({ queuedAt: 1, alert: bad }),
      JSON.stringify({ queuedAt: 'x', alert: testAlert(8) }),
      good(3),
    ]);
    const r = await deliverAll(dir);
    expect(r.sent.map((a) => a.id)).toEqual([1, 2, 3].map((n) => testAlert(n).id));
    expect(r.rejected.map((x) => x.reason)).toEqual([
      '/queuedAt: missing',
      '/: not JSON',
      '/alert/severity: must be one of "low", "medium", "high", "critical"',
      '/queuedAt: must be number, got string',
    ]);
    expect(r.rejected[0]).toMatchObject({ segment: SEGMENT, offset: Buffer.byteLength(good(1)), bytes: 3, record: '{}' });
    expect(r.counted).toBe(4);
    expect(r.warnings.filter((w) => /set aside a record that is not a queued alert/.test(w.msg))).toHaveLength(4);
    expect(r.queued).toBe(0);
  });

  it('a queue of nothing but `{}` is emptied, and not read again on the next start', async () => {
    const dir = spoolDir([good(1), '{}', '{}']);
    const first = await deliverAll(dir);
    expect(first.sent).toHaveLength(1);
    expect(first.rejected).toHaveLength(2);
    const second = await deliverAll(dir);
    expect(second.sent).toHaveLength(0);
    expect(second.queued).toBe(0);
    // The cursor moved past the records set aside: no second copy of them.
    expect(second.rejected).toHaveLength(2);
  });

  it('a line longer than a read is set aside unread; the alert after it goes', async () => {
    const dir = spoolDir([`{"queuedAt":1,"alert":{"id":"${'x'.repeat(3 << 20)}"}}`, good(4)]);
    const r = await deliverAll(dir);
    expect(r.sent.map((a) => a.id)).toEqual([testAlert(4).id]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ reason: 'longer than 1048576 bytes', offset: 0 });
    expect(r.rejected[0]?.record).toBeUndefined();
  });

  it('valid alerts with extra fields (a newer version) are delivered', async () => {
    const dir = spoolDir([spoolLine({ ...testAlert(5), extra: { x: 1 } } as Alert, 5)]);
    const r = await deliverAll(dir);
    expect(r.sent).toHaveLength(1);
    expect(r.rejected).toHaveLength(0);
  });
});
