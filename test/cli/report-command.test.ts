import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { cli } from '../helpers/cli.js';
import { BURST_AT, knownFleetEvents } from '../helpers/known-fleet.js';

/** What an attacker controls: the text of the logs that alert summaries and agent ids are made of. */
const HOSTILE_AGENT = 'evil"><b>agent</b>';
const HOSTILE_SUMMARY = 'burst of calls <script>window.__pwned = 1</script><img src="https://evil.example/x.png" onerror="window.__pwned = 2"> & more';

// The page in a real browser: test/cli/report-browser.test.ts (needs Chromium).
describe('agentwatch report', { timeout: 180_000 }, () => {
  let dir = '';
  let report = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aw-report-'));
    const events = join(dir, 'events.jsonl');
    writeFileSync(
      events,
      `${knownFleetEvents()
        .map(({ timeMs, ...rest }) => JSON.stringify({ ...rest, time: timeMs }))
        .join('\n')}\n`,
    );
    const alertsFile = join(dir, 'alerts.jsonl');
    const state = join(dir, 'state.json.gz');
    const r = await cli(['replay', events, '--output', alertsFile, '--save-state', state]);
    expect(r.status, r.stderr).toBe(0);
    const hostile = {
      ...(JSON.parse(readFileSync(alertsFile, 'utf8').split('\n')[0] as string) as Alert),
      id: 'f'.repeat(32),
      agentId: HOSTILE_AGENT,
      detector: 'off_hours',
      summary: HOSTILE_SUMMARY,
      time: new Date(BURST_AT - 3_600_000).toISOString(),
    };
    delete hostile.agentClass;
    appendFileSync(alertsFile, `${JSON.stringify(hostile)}\n`);
    report = join(dir, 'report.html');
    const rep = await cli(['report', alertsFile, '--state', state, '--events', events, '--out', report]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(rep.stderr).toMatch(/Report: .*report\.html \(\d+ alerts, \d+ agents alerting, \d+ charted, \d+ events of the charted agents counted\)/);
  });

  it('writes one self-contained page: nothing to load from anywhere, every log-derived text escaped', () => {
    const html = readFileSync(report, 'utf8');
    // No tag refers to anything outside the page, and the policy forbids loading anything at all.
    expect(html.match(/<[^>]*\b(src|href|xlink:href|action)\s*=/gi)).toBeNull();
    expect(html.match(/<[^>]*https?:/gi)).toBeNull();
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).toContain('burst of calls &lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=&quot;https://evil.example/x.png&quot;');
    expect(html).toContain('evil&quot;&gt;&lt;b&gt;agent&lt;/b&gt;');
    expect(html).not.toContain(HOSTILE_AGENT);
    expect(html).toMatch(/<svg class="chart timeline"/);
    expect(html).toMatch(/<svg class="chart agent-rate"/);
  });

  it('explains a missing alerts file and has --help with an example', async () => {
    const r = await cli(['report', join(dir, 'nope.jsonl'), '--out', join(dir, 'x.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read alerts file .*nope\.jsonl: no such file or folder/);
    expect((await cli(['report', '--help'])).stdout).toMatch(/Example:\n {2}agentwatch report /);
  });
});
