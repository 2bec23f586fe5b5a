import type { IHeaders, Message } from 'kafkajs';
import type { Alert } from '../../core/alerts/alert.js';

/** Headers that let a consumer of the alerts topic route or dedup without parsing the value. */
export const AlertHeader = { Id: 'agentwatch-alert-id', Detector: 'agentwatch-detector' } as const;

/**
 * The alerts topic's message for one alert, the only place it is encoded (issue 18, item 2):
 * keyed by agent so one agent's alerts keep their order on one partition; the value is the alert
 * contract (docs/alerts.md); `headers` carry extra entries such as a trace context.
 */
export function alertMessage(alert: Alert, headers: IHeaders = {}): Message & { headers: IHeaders } {
  headers[AlertHeader.Id] = alert.id;
  headers[AlertHeader.Detector] = alert.detector;
  return { key: alert.agentId, value: JSON.stringify(alert), headers };
}
