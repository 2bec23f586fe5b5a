import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { slackMessage } from '../../../src/sinks/webhook/slack-message.js';
import { teamsMessage } from '../../../src/sinks/webhook/teams-message.js';
import { WebhookTarget } from '../../../src/sinks/webhook/webhook-target.js';
import { testAlert } from '../../helpers/alert-fixture.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { text: string }[] }[];
}
interface TeamsRun {
  type: string;
  inlines: { type: string; text: string; color?: string }[];
}
interface TeamsBody {
  type: string;
  attachments: {
    contentType: string;
    contentUrl: null;
    content: { type: string; version: string; body: (TeamsRun & { items?: { columns: { items: (TeamsRun & { text?: string })[] }[] }[] })[] };
  }[];
}
/** Every fact of a card as title → value, from its rows. */
const teamsFacts = (body: TeamsBody) =>
  Object.fromEntries(
    (body.attachments[0]?.content.body[2]?.items ?? []).map((row) => [row.columns[0]?.items[0]?.text, row.columns[1]?.items[0]?.inlines[0]?.text]),
  );

const resolved = (a: Alert): Alert => ({
  ...a,
  status: 'resolved',
  episode: { ...(a.episode as NonNullable<Alert['episode']>), revision: 2, count: 7, resolvedTime: '2026-03-02T11:00:00.000Z', resolution: 'quiet' },
});

describe('Slack preset (incoming webhook, Block Kit)', () => {
  it('has a fallback text, a header, the summary, the facts and the alert id', () => {
    const body = slackMessage(testAlert(1)) as unknown as SlackBody;
    expect(body.text).toBe('New: HIGH rate spike on agent-1: agent-1 made 401 calls/min, 11× its usual peak of 37');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(body.blocks[0]?.text).toEqual({ type: 'plain_text', text: 'New: HIGH rate spike on agent-1', emoji: false });
    expect(body.blocks[1]?.text?.text).toBe(':red_circle: agent-1 made 401 calls/min, 11× its usual peak of 37');
    const fields = body.blocks[2]?.fields?.map((f) => f.text) ?? [];
    expect(fields).toContain('*Observed*\n`eventsPerMinute: 401`');
    expect(fields).toContain('*Expected*\n`p99PerMinute: 37`');
    expect(fields).toContain('*Agent*\n`agent-1 (invoice-summarizer)`');
    expect(fields.length).toBeLessThanOrEqual(10);
    expect(body.blocks[3]?.elements?.[0]?.text).toContain(testAlert(1).id);
  });

  it('says when an incident is resolved, and why', () => {
    const body = slackMessage(resolved(testAlert(1))) as unknown as SlackBody;
    expect(body.blocks[0]?.text?.text).toBe('Resolved: HIGH rate spike on agent-1');
    expect(body.blocks[1]?.text?.text).toMatch(/^:white_check_mark: /);
    expect(body.blocks[2]?.fields?.map((f) => f.text)).toContain('*Resolved*\n`2026-03-02T11:00:00.000Z (quiet period over)`');
  });

  it('escapes markup from event data and keeps within Slack limits', () => {
    const long = testAlert(2, { agentId: 'x'.repeat(400), summary: `<!channel> & ${'y'.repeat(4000)}`, observed: { resource: 'z'.repeat(5000) } });
    const body = slackMessage(long) as unknown as SlackBody;
    expect(body.blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(body.blocks[1]?.text).toMatchObject({ type: 'plain_text' });
    expect(body.blocks[1]?.text?.text).toMatch(/^:red_circle: &lt;!channel&gt; &amp; y/);
    expect(body.text).toMatch(/&lt;!channel&gt; &amp; y/);
    expect(body.blocks[1]?.text?.text.length).toBeLessThanOrEqual(3000);
    const fields = body.blocks[2]?.fields ?? [];
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(body.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('Teams preset (incoming webhook, Adaptive Card)', () => {
  it('is a message with one Adaptive Card attachment: headline, summary, fact set', () => {
    const body = teamsMessage(testAlert(1, { severity: 'critical' })) as unknown as TeamsBody;
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const [card] = body.attachments;
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content.type).toBe('AdaptiveCard');
    expect(card?.content.version).toBe('1.4');
    expect(card?.content.body.map((b) => b.type)).toEqual(['RichTextBlock', 'RichTextBlock', 'Container']);
    expect(card?.content.body[0]?.inlines[0]).toMatchObject({ type: 'TextRun', text: 'New: CRITICAL rate spike on agent-1', color: 'Attention' });
    expect(card?.content.body[1]?.inlines[0]?.text).toBe(testAlert(1).summary);
    expect(teamsFacts(body)).toMatchObject({
      Agent: 'agent-1 (invoice-summarizer)',
      Severity: 'critical (score 80)',
      Observed: 'eventsPerMinute: 401',
      'Alert id': testAlert(1).id,
    });
  });

  it('colours a resolution as good news', () => {
    const body = teamsMessage(resolved(testAlert(1))) as unknown as TeamsBody;
    expect(body.attachments[0]?.content.body[0]?.inlines[0]).toMatchObject({ text: 'Resolved: HIGH rate spike on agent-1', color: 'Good' });
  });

  it('is what a teams webhook target POSTs', async () => {
    const receiver = await new WebhookReceiver().up();
    try {
      await new WebhookTarget({ name: 'teams', url: receiver.url, preset: 'teams', secrets: [], timeoutMs: 5_000 }).send(testAlert(3));
      const [req] = await receiver.waitFor(1);
      expect(JSON.parse(req?.body ?? '')).toEqual(teamsMessage(testAlert(3)));
      // Unsigned (Teams does not verify), still identified.
      expect(req?.headers['webhook-signature']).toBeUndefined();
      expect(req?.headers['webhook-id']).toBe(`${testAlert(3).id}.0`);
    } finally {
      await receiver.down();
    }
  });
});

describe('hostile event text in chat messages (issue 13)', () => {
  const hostile = testAlert(4, {
    agentId: 'bot<@U024BE7LH>\u001b]0;pwned\u0007',
    summary: '<!channel> see <https://evil.example|your bank> *now* [click](https://evil.example) \u202egnp.exe\nforged line',
    observed: { resource: '`code` <!here> _x_ https://evil.example' },
  });

  it('Slack: no mention, no link, no markup and no control character reaches a parsed field', () => {
    const body = slackMessage(hostile) as unknown as SlackBody & { unfurl_links: boolean };
    expect(body.unfurl_links).toBe(false);
    const parsed = [
      body.text,
      body.blocks[0]?.text?.text ?? '',
      body.blocks[1]?.text?.text ?? '',
      ...(body.blocks[2]?.fields ?? []).map((f) => f.text),
      body.blocks[3]?.elements?.[0]?.text ?? '',
    ];
    for (const text of parsed) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      // A line feed of our own separates a label from its value; any other control is escaped.
      // eslint-disable-next-line no-control-regex -- the point is to find control characters
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    }
    expect(body.text).toContain('&lt;!channel&gt;');
    const fields = body.blocks[2]?.fields as { text: string; verbatim?: boolean }[];
    for (const f of fields) expect(f.verbatim).toBe(true);
    expect(fields.map((f) => f.text)).toContain('*Observed*\n`resource: ˋcodeˋ &lt;!here&gt; _x_ https://evil.example`');
    expect(fields.find((f) => f.text.startsWith('*Agent*'))?.text).toBe('*Agent*\n`bot&lt;@U024BE7LH&gt;\\x1b]0;pwned\\x07 (invoice-summarizer)`');
    // Plain text objects: & < > escaped too, controls visible.
    expect(body.blocks[1]?.text?.text).toContain('&lt;!channel&gt; see &lt;https://evil.example|your bank&gt;');
    expect(body.blocks[1]?.text?.text).toContain('\\u202egnp.exe\\x0aforged line');
    expect(body.blocks[0]?.text?.text).not.toContain('\u001b');
  });

  it('Teams: event text only in TextRuns (never markdown), controls visible', () => {
    const body = teamsMessage(hostile) as unknown as TeamsBody;
    const card = body.attachments[0]?.content;
    expect(card?.body[1]?.inlines[0]?.text).toBe(
      '<!channel> see <https://evil.example|your bank> *now* [click](https://evil.example) \\u202egnp.exe\\x0aforged line',
    );
    expect(teamsFacts(body)['Agent']).toBe('bot<@U024BE7LH>\\x1b]0;pwned\\x07 (invoice-summarizer)');
    // Markdown-capable elements hold only our own titles.
    const json = JSON.stringify(card);
    for (const m of json.matchAll(/"type":"TextBlock","text":"([^"]*)"/g))
      expect(['Agent', 'Severity', 'Observed', 'Expected', 'Event time', 'Incident', 'Tenant', 'Alert id', 'Resolved']).toContain(m[1]);
  });
});
