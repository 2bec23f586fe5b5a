import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../src/sinks/console-sink.js';
import { fitLine, shortenArns, wrapText } from '../../src/cli/terminal-text.js';
import { testAlert } from '../helpers/alert-fixture.js';

function lines(sink: (out: PassThrough) => ConsoleSink, alerts: Parameters<ConsoleSink['write']>[0][]): string[] {
  const out = new PassThrough();
  const s = sink(out);
  for (const a of alerts) s.write(a);
  return String(out.read() ?? '')
    .split('\n')
    .filter(Boolean);
}

const arn = 'arn:aws:iam::149640702978:role/secrets-rotator-shared';
const incident = [
  testAlert(1, {
    agentId: arn,
    summary: `${arn} accessed aws-secrets-manager resource arn:aws:secretsmanager:us-east-1:149640702978:secret:prod/db/ledger-master for the first time (secretsmanager:GetSecretValue); it had touched 5 sensitive resources before.`,
  }),
  testAlert(1, {
    status: 'update',
    episode: { revision: 1, count: 3, firstTime: '2026-03-02T10:01:00.000Z', lastTime: '2026-03-02T10:05:00.000Z', peakScore: 80, peakObserved: {} },
  }),
  testAlert(1, {
    status: 'resolved',
    episode: { revision: 2, count: 3, firstTime: '2026-03-02T10:01:00.000Z', lastTime: '2026-03-02T10:05:00.000Z', peakScore: 80, peakObserved: {} },
  }),
];

describe('ConsoleSink on a terminal (npm start, replay --print)', () => {
  it('folds an incident into its opening line, within 120 columns, ARNs shortened', () => {
    const out = lines((o) => new ConsoleSink(o, false, 'console', { fold: true, columns: 120, shorten: shortenArns }), incident);
    expect(out).toHaveLength(1);
    expect([...out[0]!].length).toBeLessThanOrEqual(120);
    expect(out[0]).toMatch(/^2026-03-02 10:01 {2}HIGH {5}rate_spike {13}role\/secrets-rotator-shared accessed aws-secrets-manager resource sec/);
    expect(out[0]!.endsWith('…')).toBe(true);
  });

  it('shows updates and the resolution when not folded (--verbose), each line fitted', () => {
    const out = lines((o) => new ConsoleSink(o, false, 'console', { columns: 120 }), incident);
    expect(out).toHaveLength(3);
    expect(out[1]).toContain('update #1: ');
    expect(out[2]).toMatch(/RESOLVED +rate_spike +agent-1: 3 triggers from 2026-03-02 10:01 to 10:05, then quiet$/);
    for (const l of out) expect([...l].length).toBeLessThanOrEqual(120);
  });

  it('says a one-trigger incident ended quiet, without the same time twice', () => {
    const t = '2026-03-02T10:01:00.000Z';
    const out = lines(
      (o) => new ConsoleSink(o, false),
      [testAlert(1, { status: 'resolved', episode: { revision: 1, count: 1, firstTime: t, lastTime: t, peakScore: 80, peakObserved: {} } })],
    );
    expect(out[0]).toMatch(/: 1 trigger at 2026-03-02T10:01:00Z, then quiet$/);
  });

  it('keeps whole lines for a log (the stdout text sink of `run`), colour codes outside the fitted text', () => {
    const long = testAlert(2, { summary: 'x'.repeat(300) });
    expect(lines((o) => new ConsoleSink(o, false), [long])[0]!.length).toBeGreaterThan(300);
    const colored = lines((o) => new ConsoleSink(o, true, 'console', { columns: 60 }), [long])[0]!;
    expect(colored).toContain('\x1b[31mHIGH');
    expect([...colored.replaceAll('\x1b[31m', '').replaceAll('\x1b[0m', '')].length).toBe(60);
  });
});

describe('terminal text', () => {
  it('fits, wraps and shortens', () => {
    expect(fitLine('abcdef', 4)).toBe('abc…');
    expect(fitLine('abc', 4)).toBe('abc');
    expect(wrapText('aaa bbb ccc ddd', 8)).toBe('aaa bbb\n  ccc\n  ddd');
    expect(shortenArns('arn:aws:iam::123456789012:role/x and arn:aws:s3:::bucket')).toBe('role/x and arn:aws:s3:::bucket');
  });
});

describe('ConsoleSink with hostile event text (issue 13)', () => {
  it('escapes OSC/CSI sequences, CR/LF and bidi overrides in agent ids and summaries', () => {
    const agentId = 'bot\u001b]0;owned\u0007\u001b[2K\rforged\u202e';
    const out = lines((o) => new ConsoleSink(o, false), [testAlert(1, { summary: `${agentId} made 401 calls/min\nFAKE 2026 CRITICAL` })]);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('bot\\x1b]0;owned\\x07\\x1b[2K\\x0dforged\\u202e made 401 calls/min\\x0aFAKE 2026 CRITICAL');
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(out[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('colours only its own label, after escaping', () => {
    const out = lines((o) => new ConsoleSink(o, true), [testAlert(1, { summary: 'x\u001b[31mred' })]);
    expect(out[0]).toContain('x\\x1b[31mred');
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(out[0]?.match(/\u001b/g)).toHaveLength(2);
  });
});
