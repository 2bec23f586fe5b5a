import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

describe('agentwatch replay --metrics', () => {
  it('serves the endpoint on telemetry.host:port while it replays, and still exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-metrics-'));
    const events = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ id: `e${i}`, time: 1772445600000 + i * 1000, agentId: `agent-${i % 2}`, category: 'api_call', action: 'x' }),
    );
    writeFileSync(join(dir, 'events.jsonl'), `${events.join('\n')}\n`);
    const r = await cli(['replay', join(dir, 'events.jsonl'), '--output', join(dir, 'alerts.jsonl'), '--metrics', '--no-progress'], {
      env: { AGENTWATCH_METRICS_PORT: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^agentwatch: serving \/metrics, \/healthz and \/readyz at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stderr).not.toMatch(/warning/);
  });

  it('fails naming the address when the port is taken, instead of replaying', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-replay-metrics-'));
    writeFileSync(join(dir, 'events.jsonl'), '');
    // Bound in this process; spawnSync blocks the event loop but the port stays taken.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const r = await cli(['replay', join(dir, 'events.jsonl'), '--output', join(dir, 'alerts.jsonl'), '--metrics'], {
        env: { AGENTWATCH_METRICS_PORT: String(port) },
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`agentwatch: cannot serve metrics on 127.0.0.1:${port}: EADDRINUSE`);
      expect(r.stderr).toMatch(/\[AW_METRICS_LISTEN\]$/m);
    } finally {
      taken.close();
    }
  });
});
