import { describe, expect, it } from 'vitest';
import { type Alert } from '../../../src/core/alerts/alert.js';
import { slackMessage } from '../../../src/sinks/webhook/slack-message.js';
import { teamsMessage } from '../../../src/sinks/webhook/teams-message.js';
import { WebhookTarget } from '../../../src/sinks/webhook/webhook-target.js';
import { testAlert } from '../../helpers/alert-fixture.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { text: string }[] }[];
}
interface TeamsBody {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: { type: string; version: string; body: { type: string; text?: string; color?: string; facts?: { title: string; value: string }[] }[] } }[];
}

const resolved = (a: Alert): Alert => ({ ...a, status: 'resolved', episode: { ...(a.episode as NonNullable<Alert['episode']>), revision: 2, count: 7, resolvedTime: '2026-03-02T11:00:00.000Z', resolution: 'quiet' } });

describe('Slack preset (incoming webhook, Block Kit)', () => {
  it('has a fallback text, a header, the summary, the facts and the alert id', () => {
    const body = slackMessage(testAlert(1)) as unknown as SlackBody;
    expect(body.text).toBe('New: HIGH rate spike on agent-1: agent-1 made 401 calls/min, 11× its usual peak of 37');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(body.blocks[0]?.text).toEqual({ type: 'plain_text', text: 'New: HIGH rate spike on agent-1', emoji: true });
    expect(body.blocks[1]?.text?.text).toBe(':red_circle: agent-1 made 401 calls/min, 11× its usual peak of 37');
    const fields = body.blocks[2]?.fields?.map((f) => f.text) ?? [];
    expect(fields).toContain('*Observed*\neventsPerMinute: 401');
    expect(fields).toContain('*Expected*\np99PerMinute: 37');
    expect(fields).toContain('*Agent*\nagent-1 (invoice-summarizer)');
    expect(fields.length).toBeLessThanOrEqual(10);
    expect(body.blocks[3]?.elements?.[0]?.text).toContain(testAlert(1).id);
  });

  it('says when an incident is resolved, and why', () => {
    const body = slackMessage(resolved(testAlert(1))) as unknown as SlackBody;
    expect(body.blocks[0]?.text?.text).toBe('Resolved: HIGH rate spike on agent-1');
    expect(body.blocks[1]?.text?.text).toMatch(/^:white_check_mark: /);
    expect(body.blocks[2]?.fields?.map((f) => f.text)).toContain('*Resolved*\n2026-03-02T11:00:00.000Z (quiet period over)');
  });

  it('escapes markup from event data and keeps within Slack limits', () => {
    const long = testAlert(2, { agentId: 'x'.repeat(400), summary: `<!channel> & ${'y'.repeat(4000)}`, observed: { resource: 'z'.repeat(5000) } });
    const body = slackMessage(long) as unknown as SlackBody;
    expect(body.blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(body.blocks[1]?.text?.text).toMatch(/^:red_circle: &lt;!channel&gt; &amp; y/);
    expect(body.blocks[1]?.text?.text.length).toBeLessThanOrEqual(3000);
    for (const f of body.blocks[2]?.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
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
    expect(card?.content.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);
    expect(card?.content.body[0]).toMatchObject({ text: 'New: CRITICAL rate spike on agent-1', color: 'Attention' });
    expect(card?.content.body[1]?.text).toBe(testAlert(1).summary);
    const facts = Object.fromEntries((card?.content.body[2]?.facts ?? []).map((f) => [f.title, f.value]));
    expect(facts).toMatchObject({ Agent: 'agent-1 (invoice-summarizer)', Severity: 'critical (score 80)', Observed: 'eventsPerMinute: 401', 'Alert id': testAlert(1).id });
  });

  it('colours a resolution as good news', () => {
    const body = teamsMessage(resolved(testAlert(1))) as unknown as TeamsBody;
    expect(body.attachments[0]?.content.body[0]).toMatchObject({ text: 'Resolved: HIGH rate spike on agent-1', color: 'Good' });
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
