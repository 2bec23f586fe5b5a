import type { Alert } from '../../core/alerts/alert.js';
import { escapeControls } from '../../core/escape-controls.js';
import { alertFacts, alertHeadline, clip } from './alert-text.js';

const COLOR: Record<string, string> = { low: 'Accent', medium: 'Warning', high: 'Attention', critical: 'Attention' };

/**
 * Event text goes only into TextRuns, which Adaptive Cards never read as markdown: a TextBlock or
 * a FactSet value would render `[label](https://…)` from an agent id as a link of the attacker's
 * choosing. Mentions need `<at>` plus an entity this card never declares. Controls are made
 * visible (a line feed starts a markdown list in other renderers; bidi marks reorder text).
 */
const run = (text: string, style: Record<string, unknown> = {}) => ({
  type: 'RichTextBlock',
  inlines: [{ type: 'TextRun', text: escapeControls(text), ...style }],
});

/**
 * The body of a Microsoft Teams incoming-webhook message (also accepted by a Workflows "post to a
 * channel when a webhook request is received" flow): one Adaptive Card 1.4 attachment with the
 * headline, summary and the facts, each fact a row of its title and its value.
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
            run(clip(alertHeadline(alert), 200), { size: 'Medium', weight: 'Bolder', color: resolved ? 'Good' : (COLOR[alert.severity] ?? 'Default') }),
            run(clip(alert.summary, 2000)),
            {
              type: 'Container',
              items: alertFacts(alert).map(([title, value]) => ({
                type: 'ColumnSet',
                columns: [
                  { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: title, weight: 'Bolder', wrap: true }] },
                  { type: 'Column', width: 'stretch', items: [run(clip(value, 1000))] },
                ],
              })),
            },
          ],
        },
      },
    ],
  };
}
