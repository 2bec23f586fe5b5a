import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostableAlert } from '../../../src/sinks/alertmanager/alertmanager-alert.js';
import { AlertmanagerTarget } from '../../../src/sinks/alertmanager/alertmanager-target.js';
import { OpenAlertsJournal, parseJournalEntry } from '../../../src/sinks/alertmanager/open-alerts-journal.js';
import { prometheusReloadMetrics } from '../../../src/telemetry/reload-metrics.js';
import { testAlert } from '../../helpers/alert-fixture.js';

const open = (n: number, atMs = Date.now()) => JSON.stringify({ open: { alert: testAlert(n), atMs } });

/** A journal file with `lines`, in a folder of its own. */
function journal(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'aw-journal-')), 'alertmanager-open.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const rejectedCount = async (registry: Registry) =>
  Number(
    (await registry.metrics())
      .split('\n')
      .find((l) => l.startsWith('agentwatch_reload_records_rejected_total{what="journal"}'))
      ?.split(' ')[1],
  );

describe('the Alertmanager open-alerts journal read back (issue 13)', () => {
  it('names what is wrong with an entry, and takes good ones', () => {
    expect(parseJournalEntry(open(1))).toMatchObject({ open: { alert: { id: testAlert(1).id } } });
    expect(parseJournalEntry('{"closed":"a1"}')).toEqual({ closed: 'a1' });
    expect(parseJournalEntry('{}')).toEqual({ path: '/', message: 'neither "open" nor "closed"' });
    expect(parseJournalEntry('{"open":{"alert":{},"atMs":1}}')).toEqual({ path: '/open/alert/id', message: 'missing' });
    expect(parseJournalEntry(JSON.stringify({ open: { alert: { ...testAlert(2), evidence: 'e1' }, atMs: 1 } }))).toEqual({
      path: '/open/alert/evidence',
      message: 'must be array, got string',
    });
    expect(parseJournalEntry('{"closed":7}')).toEqual({ path: '/closed', message: 'must be string, got number' });
    expect(parseJournalEntry('{"open":{"alert":')).toEqual({ path: '/', message: 'not JSON (a line cut short by a crash?)' });
    expect(parseJournalEntry('[1]')).toEqual({ path: '/', message: 'not an object' });
  });

  it('drops each bad entry with its line and reason, counts it, and keeps the others', async () => {
    const path = journal([
      open(1),
      '{"open":{"alert":{},"atMs":1}}',
      open(2),
      '{}',
      open(3),
      '{"closed":7}',
      '{"closed":"' + testAlert(3).id + '"}',
      '{"open":{"alert":',
    ]);
    const warnings: string[] = [];
    const registry = new Registry();
    const loaded = OpenAlertsJournal.load(path, (m) => warnings.push(m), prometheusReloadMetrics(registry));
    expect([...loaded.open.keys()]).toEqual([testAlert(1).id, testAlert(2).id]);
    expect(warnings).toEqual([
      `${path}:2: dropped an entry that is not an open or closed alert (/open/alert/id: missing); the other open alerts are re-sent`,
      `${path}:4: dropped an entry that is not an open or closed alert (/: neither "open" nor "closed"); the other open alerts are re-sent`,
      `${path}:6: dropped an entry that is not an open or closed alert (/closed: must be string, got number); the other open alerts are re-sent`,
      `${path}:8: dropped an entry that is not an open or closed alert (/: not JSON (a line cut short by a crash?)); the other open alerts are re-sent`,
    ]);
    expect(await rejectedCount(registry)).toBe(4);
  });

  it('a file of garbage is one summary line after the first few, not one line per entry', () => {
    const warnings: string[] = [];
    OpenAlertsJournal.load(journal(Array.from({ length: 50 }, () => '{}')), (m) => warnings.push(m));
    expect(warnings).toHaveLength(6);
    expect(warnings[5]).toMatch(/dropped 50 entries in all/);
  });

  describe('a restarted sink with one bad entry among its open alerts', () => {
    let server: Server;
    let url: string;
    const posts: PostableAlert[][] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          posts.push(JSON.parse(body) as PostableAlert[]);
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('re-sends the good ones at once (before: every re-send failed, and the incidents expired)', async () => {
      const path = journal([open(1), JSON.stringify({ open: { alert: { ...testAlert(2), baseline: null }, atMs: Date.now() } }), open(3)]);
      const target = new AlertmanagerTarget({ name: 'am', url, stateFile: path, resendIntervalMs: 60_000 });
      expect(target.openAlerts).toBe(2);
      await target.resendOpen();
      await target.close();
      expect(posts.flat().map((p) => p.annotations['alert_id'])).toContain(testAlert(3).id);
      expect(new Set(posts.flat().map((p) => p.annotations['alert_id']))).toEqual(new Set([testAlert(1).id, testAlert(3).id]));
      // The bad entry is gone from the file rewritten at close.
      expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    });
  });
});
