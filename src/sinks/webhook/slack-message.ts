import { type Alert } from '../../core/alerts/alert.js';
import { alertFacts, alertHeadline, clip } from './alert-text.js';

const EMOJI: Record<string, string> = { low: ':large_blue_circle:', medium: ':large_yellow_circle:', high: ':red_circle:', critical: ':rotating_light:' };

/** Slack's mrkdwn treats these three as markup: escape them in text that comes from events. */
const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The body of a Slack incoming-webhook message: Block Kit blocks (header, summary, facts, ids),
 * with `text` as the notification fallback. Limits respected: header 150 characters, section
 * text 3000, at most 10 fields of 2000.
 */
export function slackMessage(alert: Alert): Record<string, unknown> {
  const icon = alert.status === 'resolved' ? ':white_check_mark:' : (EMOJI[alert.severity] ?? '');
  const headline = alertHeadline(alert);
  const facts = alertFacts(alert);
  const id = facts.pop() as [string, string];
  return {
    text: clip(`${headline}: ${alert.summary}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(headline, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`${icon} ${escape(alert.summary)}`, 3000) } },
      { type: 'section', fields: facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${k}*\n${escape(v)}`, 2000) })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `agentwatch · ${id[0]} \`${id[1]}\` · detected ${alert.detectedAt}` }] },
    ],
  };
}
