import { type Alert } from '../../core/alerts/alert.js';
import { alertFacts, alertHeadline, clip } from './alert-text.js';

const COLOR: Record<string, string> = { low: 'Accent', medium: 'Warning', high: 'Attention', critical: 'Attention' };

/**
 * The body of a Microsoft Teams incoming-webhook message (also accepted by a Workflows "post to a
 * channel when a webhook request is received" flow): one Adaptive Card 1.4 attachment with the
 * headline, summary and a fact set.
 */
export function teamsMessage(alert: Alert): Record<string, unknown> {
  const resolved = alert.status === 'resolved';
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: clip(alertHeadline(alert), 200), size: 'Medium', weight: 'Bolder', wrap: true, color: resolved ? 'Good' : (COLOR[alert.severity] ?? 'Default') },
            { type: 'TextBlock', text: clip(alert.summary, 2000), wrap: true },
            { type: 'FactSet', facts: alertFacts(alert).map(([title, value]) => ({ title, value: clip(value, 1000) })) },
          ],
        },
      },
    ],
  };
}
