import { Counter, Gauge, type Registry } from 'prom-client';

/** What an Alertmanager target reports beyond the delivery queue's own metrics (sink label bound). */
export interface AlertmanagerMetrics {
  /** One re-send round of the still-open alerts: how many, and whether Alertmanager took them. */
  resent(alerts: number, ok: boolean): void;
  /** Open alerts currently kept alive by re-sends. */
  tracked(open: number): void;
  /**
   * Open alerts no longer re-sent, so that they expire after the TTL: `bound` (maxOpenAlerts
   * reached, least recently updated first) or `silent` (no message about them for maxSilenceMs).
   */
  untracked(n: number, reason: 'bound' | 'silent'): void;
}

const nothing = (): void => {};
export const noopAlertmanagerMetrics: AlertmanagerMetrics = { resent: nothing, tracked: nothing, untracked: nothing };

interface Instruments {
  resends: Counter<'sink' | 'outcome'>;
  open: Gauge<'sink'>;
  dropped: Counter<'sink' | 'reason'>;
}

// One set of instruments per registry, shared by every Alertmanager sink registered in it.
const byRegistry = new WeakMap<Registry, Instruments>();

function instruments(registry: Registry): Instruments {
  let found = byRegistry.get(registry);
  if (!found) {
    found = {
      resends: new Counter({
        name: 'agentwatch_alertmanager_resent_alerts_total',
        help: 'Open alerts re-posted to Alertmanager to keep them firing, by sink and outcome (ok, failed).',
        labelNames: ['sink', 'outcome'] as const,
        registers: [registry],
      }),
      open: new Gauge({
        name: 'agentwatch_alertmanager_open_alerts',
        help: 'Open alerts an Alertmanager sink keeps firing by re-sending them.',
        labelNames: ['sink'] as const,
        registers: [registry],
      }),
      dropped: new Counter({
        name: 'agentwatch_alertmanager_untracked_alerts_total',
        help: 'Open alerts no longer re-sent, left to expire in Alertmanager: reason bound (maxOpenAlerts reached, least recently updated first) or silent (no message about them for maxSilenceMs).',
        labelNames: ['sink', 'reason'] as const,
        registers: [registry],
      }),
    };
    byRegistry.set(registry, found);
  }
  return found;
}

/** The Prometheus side of AlertmanagerMetrics for the sink `sink`; its series exist at 0 from the start. */
export function prometheusAlertmanagerMetrics(registry: Registry, sink: string): AlertmanagerMetrics {
  const i = instruments(registry);
  i.resends.inc({ sink, outcome: 'ok' }, 0);
  i.resends.inc({ sink, outcome: 'failed' }, 0);
  i.open.set({ sink }, 0);
  i.dropped.inc({ sink, reason: 'bound' }, 0);
  i.dropped.inc({ sink, reason: 'silent' }, 0);
  return {
    resent: (n, ok) => i.resends.inc({ sink, outcome: ok ? 'ok' : 'failed' }, n),
    tracked: (n) => i.open.set({ sink }, n),
    untracked: (n, reason) => i.dropped.inc({ sink, reason }, n),
  };
}
