import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../src/config/secret-fields.js';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function load(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'aw-sinks-config-')), 'agentwatch.yaml');
  writeFileSync(file, yaml);
  return () => loadConfig(file, {});
}

describe('alerts.sinks and alerts.queue in the config', () => {
  it("are optional: no sinks (today's behaviour) and a persisted, bounded queue", () => {
    const { alerts } = parseConfig({});
    expect(alerts.sinks).toBeUndefined();
    expect(alerts.queue).toEqual({ persist: true, maxAlerts: 100_000, maxBytes: 268_435_456, drainTimeoutMs: 10_000 });
  });

  it("fill each sink's routing and delivery defaults", () => {
    const { alerts } = parseConfig({ alerts: { sinks: [{ type: 'webhook', name: 'soc', url: 'https://soc.example/hooks', secrets: [SECRET] }] } });
    expect(alerts.sinks?.[0]).toEqual({
      type: 'webhook',
      name: 'soc',
      url: 'https://soc.example/hooks',
      secrets: [SECRET],
      preset: 'standard',
      timeoutMs: 10_000,
      headers: {},
      minSeverity: 'low',
      detectors: [],
      statuses: ['open', 'update', 'resolved'],
      retry: { initialBackoffMs: 1_000, maxBackoffMs: 300_000, maxAttempts: 0, maxRetryMs: 0 },
    });
  });

  it('report each problem with its path and line, judged against the variant its type names', () => {
    const bad = load(
      [
        'alerts:',
        '  sinks:',
        '    - { type: webhok, name: x }',
        '    - type: webhook',
        '      name: Bad Name',
        '      preset: slak',
        '      secrets: [not-a-secret]',
        '    - { type: file, name: f, minSeverity: urgent, detectors: [rate_spyke], statuses: [closed] }',
        '    - { type: stdout, name: s, url: "http://x" }',
      ].join('\n'),
    );
    expect(bad).toThrow(/agentwatch\.yaml:3 at \/alerts\/sinks\/0: "type" must be one of "kafka", "stdout", "file", "webhook", "alertmanager"/);
    expect(bad).toThrow(/:4 at \/alerts\/sinks\/1: missing required key "url"/);
    expect(bad).toThrow(/:5 at \/alerts\/sinks\/1\/name: "Bad Name" does not have the expected form \(Unique name of the sink/);
    expect(bad).toThrow(/:6 at \/alerts\/sinks\/1\/preset: must be one of "standard", "slack", "teams"/);
    // A signing secret is never echoed, even a malformed one (issue 13).
    expect(bad).toThrow(
      /:7 at \/alerts\/sinks\/1\/secrets\/0: the value \(12 characters, not shown: it may be a secret\) does not have the expected form \(whsec_ followed by the base64 key\)/,
    );
    expect(bad).not.toThrow(/not-a-secret/);
    expect(bad).toThrow(/:8 at \/alerts\/sinks\/2: missing required key "path"/);
    expect(bad).toThrow(/at \/alerts\/sinks\/2\/minSeverity: must be one of "low", "medium", "high", "critical"/);
    expect(bad).toThrow(/at \/alerts\/sinks\/2\/detectors\/0: must be one of "rate_spike"/);
    expect(bad).toThrow(/at \/alerts\/sinks\/2\/statuses\/0: must be one of "open", "update", "resolved"/);
    expect(bad).toThrow(/:9 at \/alerts\/sinks\/3: unknown key "url"/);
  });

  it('never show secrets, header values or webhook URL paths when the config is logged', () => {
    const config = parseConfig({
      alerts: {
        sinks: [
          {
            type: 'webhook',
            name: 'soc',
            url: 'https://soc.example:8443/hooks/agentwatch?token=abc',
            secrets: [SECRET],
            headers: { Authorization: 'Bearer s3cr3t' },
          },
          { type: 'webhook', name: 'slack', preset: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' },
        ],
      },
    });
    const logged = JSON.stringify(redactConfig(config));
    for (const secret of [SECRET, 's3cr3t', 'XXXXXXXX', 'token=abc', '/hooks/agentwatch']) expect(logged).not.toContain(secret);
    expect(logged).toContain('https://soc.example:8443/[redacted]');
    expect(logged).toContain('https://hooks.slack.com/[redacted]');
    // The config itself is untouched.
    expect(config.alerts.sinks?.[0]).toMatchObject({ secrets: [SECRET] });
  });
});
