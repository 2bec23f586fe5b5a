import type { Alert } from '../../core/alerts/alert.js';
import { escapeControls } from '../../core/escape-controls.js';
import { alertFacts, alertHeadline, clip } from './alert-text.js';

const EMOJI: Record<string, string> = { low: ':large_blue_circle:', medium: ':large_yellow_circle:', high: ':red_circle:', critical: ':rotating_light:' };

/**
 * Event text (agent ids, resources, summaries built from them) is written by whoever writes the
 * audit logs, and must reach the channel as text. Slack parses `<…>` everywhere: `<!channel>`,
 * `<@U…>` and `<https://…|label>` are mentions and links, so & < > are always escaped. Controls
 * and bidi marks are made visible: a line feed would start a quote or a list.
 */
const escape = (s: string) => escapeControls(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * A value inside mrkdwn: an inline code span, where Slack applies no *bold*, _italic_, ~strike~
 * or quote; a backtick would close the span early, so it is shown as a modifier grave accent.
 */
const code = (s: string) => (s === '' ? '—' : `\`${escape(s).replaceAll('`', 'ˋ')}\``);

/**
 * The body of a Slack incoming-webhook message: Block Kit blocks (header, summary, facts, ids),
 * with `text` as the notification fallback. Limits respected: header 150 characters, section
 * text 3000, at most 10 fields of 2000. Event text appears only in plain_text objects or as code
 * in mrkdwn marked `verbatim` (no automatic links, channel names or mentions), and link previews
 * are off: nothing in the message links anywhere an event chose.
 */
export function slackMessage(alert: Alert): Record<string, unknown> {
  const icon = alert.status === 'resolved' ? ':white_check_mark:' : (EMOJI[alert.severity] ?? '');
  const headline = alertHeadline(alert);
  const facts = alertFacts(alert);
  const id = facts.pop() as [string, string];
  return {
    text: clip(escape(`${headline}: ${alert.summary}`), 3000),
    unfurl_links: false,
    unfurl_media: false,
    blocks: [
      // plain_text: no markup; & < > escaped all the same, as Slack asks of every text object;
      // `emoji: false` so an agent id cannot draw :emoji: in the header.
      { type: 'header', text: { type: 'plain_text', text: clip(escape(headline), 150), emoji: false } },
      { type: 'section', text: { type: 'plain_text', text: clip(`${icon} ${escape(alert.summary)}`, 3000), emoji: true } },
      { type: 'section', fields: facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${k}*\n${code(v)}`, 2000), verbatim: true })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `agentwatch · ${id[0]} \`${escape(id[1])}\` · detected ${alert.detectedAt}`, verbatim: true }] },
    ],
  };
}
