// The report page opened in Debian's Chromium (installed by `npm test` as root: scripts/test/provision.sh).
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import { buildReportData } from '../../src/report/report-data.js';
import { cli } from '../helpers/cli.js';
import { BURST_AT, knownFleetEvents } from '../helpers/known-fleet.js';

const CHROMIUM = process.env['AGENTWATCH_CHROMIUM'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env['CI']) {
  console.warn(
    `agentwatch report: the headless-browser test is skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; CI installs it and fails without it)`,
  );
}

/** The little of the browser's DOM the test reads (the project compiles without the DOM library). */
interface El {
  getAttribute(name: string): string | null;
  getBBox(): { height: number };
  getBoundingClientRect(): { width: number };
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
interface Browser {
  document: El & { body: { innerText: string } };
  __pwned?: number;
}

/** What an attacker controls: the text of the logs that alert summaries and agent ids are made of. */
const HOSTILE_AGENT = 'evil"><b>agent</b>';
const HOSTILE_SUMMARY = 'burst of calls <script>window.__pwned = 1</script><img src="https://evil.example/x.png" onerror="window.__pwned = 2"> & more';

describe('agentwatch report in headless Chromium', { timeout: 180_000 }, () => {
  let dir = '';
  let report = '';
  let alerts: Alert[] = [];

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
    alerts = readFileSync(alertsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Alert);
    report = join(dir, 'report.html');
    const rep = await cli(['report', alertsFile, '--state', state, '--events', events, '--out', report]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(rep.stderr).toMatch(/Report: .*report\.html \(\d+ alerts, \d+ agents alerting, \d+ charted, \d+ events of the charted agents counted\)/);
  });

  it.skipIf(!haveChromium && !process.env['CI'])('opens in headless Chromium without errors, draws every chart, and a screenshot shows it', async () => {
    if (!haveChromium) throw new Error(`Chromium is required in CI for the report test: none at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
    const data = buildReportData({ alerts, settings: defaultEngineSettings() });
    const expectedBars = data.timeline.buckets.reduce((n, b) => n + Object.keys(b.byDetector).length, 0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(report).href;
      await page.goto(url, { waitUntil: 'load' });
      const seen = await page.evaluate(() => {
        const g = globalThis as unknown as Browser;
        const document = g.document;
        const all = (root: El, sel: string) => Array.from(root.querySelectorAll(sel));
        const boxes = (sel: string) => all(document, sel).map((e) => e.getBBox());
        return {
          pwned: g.__pwned ?? null,
          images: document.querySelectorAll('img, script, iframe, object, embed').length,
          linked: document.querySelectorAll('[src], [href]').length,
          bars: boxes('svg.timeline rect.bar').map((b) => b.height),
          panels: all(document, '.panel').map((p) => ({
            agent: p.getAttribute('data-agent'),
            markers: p.querySelectorAll('svg.agent-rate g.alert-marker').length,
            observed: (p.querySelector('svg.agent-rate path.observed-peak')?.getAttribute('d') ?? '').length,
            band: (p.querySelector('svg.agent-rate path.band')?.getAttribute('d') ?? '').length,
            threshold: (p.querySelector('svg.agent-rate path.threshold')?.getAttribute('d') ?? '').length,
            width: p.querySelector('svg.agent-rate')?.getBoundingClientRect().width ?? 0,
          })),
          noisiest: document.querySelectorAll('table.noisiest tbody tr').length,
          text: document.body.innerText,
        };
      });
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(seen.pwned).toBeNull();
      expect(seen.images).toBe(0);
      expect(seen.linked).toBe(0);
      expect(seen.text).toContain(HOSTILE_SUMMARY);
      expect(seen.text).toContain(HOSTILE_AGENT);
      // A bar per detector per bucket with alerts, each drawn with a height.
      expect(seen.bars).toHaveLength(expectedBars);
      for (const h of seen.bars) expect(h).toBeGreaterThan(0);
      expect(seen.noisiest).toBe(data.noisiest.length);
      expect(seen.panels.map((p) => p.agent)).toEqual(data.panels.map((p) => p.agentId));
      for (const [i, p] of seen.panels.entries()) {
        expect(p.markers, p.agent ?? '').toBe(data.panels[i]?.incidents.length);
        expect(p.width).toBeGreaterThan(600);
      }
      // The fleet's own agents: observed rate, learned band and threshold all drawn; the made-up one has no events or state.
      const bot = seen.panels.find((p) => p.agent === 'bot-1');
      expect(bot?.observed).toBeGreaterThan(1000);
      expect(bot?.band).toBeGreaterThan(1000);
      expect(bot?.threshold).toBeGreaterThan(100);
      expect(seen.panels.find((p) => p.agent === HOSTILE_AGENT)?.observed).toBe(0);
      const shot = join(mkdtempSync(join(tmpdir(), 'aw-report-shot-')), 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`agentwatch report screenshot: ${shot}`);
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await browser.close();
    }
  });
});
