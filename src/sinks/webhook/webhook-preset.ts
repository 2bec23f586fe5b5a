/** How a webhook body is shaped: the one list the config schema and the webhook sink share. */
export const WebhookPreset = { Standard: 'standard', Slack: 'slack', Teams: 'teams' } as const;
export type WebhookPreset = (typeof WebhookPreset)[keyof typeof WebhookPreset];
