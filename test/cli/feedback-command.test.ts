import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.js';
import { cli } from '../helpers/cli.js';
import { BURST_DAY10, BURST_DAY9, exporterBursts, toLines } from '../helpers/exporter-bursts.js';

const read = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);
const opening = (alerts: Alert[]) => alerts.filter((a) => a.status === 'open');
const inBurst = (a: Alert, start: number) => Date.parse(a.time) >= start && Date.parse(a.time) < start + 5 * 60_000;

describe('agentwatch feedback + replay --feedback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-feedback-'));
  const events = join(dir, 'events.jsonl');
  let first: Alert;

  beforeAll(async () => {
    writeFileSync(events, `${toLines(exporterBursts()).join('\n')}\n`);
    const r = await cli(['replay', events, '--output', join(dir, 'plain.jsonl')]);
    expect(r.status, r.stderr).toBe(0);
    const alerts = opening(read(join(dir, 'plain.jsonl')));
    // Without feedback the burst alerts on both days.
    expect(alerts.map((a) => [a.detector, a.agentId])).toEqual([
      ['rate_spike', 'spn:exporter'],
      ['rate_spike', 'spn:exporter'],
    ]);
    expect(inBurst(alerts[0]!, BURST_DAY9) && inBurst(alerts[1]!, BURST_DAY10)).toBe(true);
    first = alerts[0]!;
  });

  it('normal: the repeat burst is not raised again, and the incident resolves as normal', async () => {
    const feedback = join(dir, 'normal.jsonl');
    const f = await cli(['feedback', first.id, '--normal', '--note', 'nightly export', '--by', 'alice', '--file', feedback]);
    expect(f.status, f.stderr).toBe(0);
    expect(JSON.parse(readFileSync(feedback, 'utf8'))).toMatchObject({ alertId: first.id, verdict: 'normal', by: 'alice', note: 'nightly export' });
    const out = join(dir, 'with-normal.jsonl');
    const r = await cli(['replay', events, '--output', out, '--feedback', feedback]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Feedback: 1 verdicts applied; [1-9]\d* findings suppressed/);
    const alerts = read(out);
    expect(opening(alerts).map((a) => a.id)).toEqual([first.id]);
    expect(alerts.filter((a) => a.status === 'resolved').map((a) => [a.id, a.episode?.resolution])).toEqual([[first.id, 'normal']]);
    // Deterministic: the same file gives the same bytes.
    const again = join(dir, 'with-normal-2.jsonl');
    expect((await cli(['replay', events, '--output', again, '--feedback', feedback])).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('confirmed: the repeat is still raised', async () => {
    const feedback = join(dir, 'confirmed.jsonl');
    expect((await cli(['feedback', first.id, '--confirmed', '--file', feedback])).status).toBe(0);
    const out = join(dir, 'with-confirmed.jsonl');
    expect((await cli(['replay', events, '--output', out, '--feedback', feedback])).status).toBe(0);
    const alerts = opening(read(out));
    expect(alerts.map((a) => a.detector)).toEqual(['rate_spike', 'rate_spike']);
    expect(inBurst(alerts[1]!, BURST_DAY10)).toBe(true);
  });

  it('the latest verdict on an alert wins', async () => {
    const feedback = join(dir, 'changed-mind.jsonl');
    await cli(['feedback', first.id, '--normal', '--file', feedback]);
    await cli(['feedback', first.id, '--confirmed', '--file', feedback]);
    const out = join(dir, 'changed-mind-alerts.jsonl');
    expect((await cli(['replay', events, '--output', out, '--feedback', feedback])).status).toBe(0);
    expect(opening(read(out))).toHaveLength(2);
  });

  it('rejects a missing verdict and a broken feedback file with clear errors', async () => {
    const none = await cli(['feedback', first.id, '--file', join(dir, 'x.jsonl')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/either --normal .* or --confirmed/);
    const both = await cli(['feedback', first.id, '--normal', '--confirmed']);
    expect(both.status).not.toBe(0);
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `{"alertId":"${first.id}","verdict":"normal"}\n{"alertId":"x","verdict":"maybe"}\n`);
    const r = await cli(['replay', events, '--output', join(dir, 'never.jsonl'), '--feedback', broken]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.jsonl:2: invalid verdict: \/verdict/);
    expect(r.stderr).toMatch(/AW_INVALID_VERDICT/);
  });
});
