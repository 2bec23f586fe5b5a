import { Counter, type Registry } from 'prom-client';

/** What agentwatch reads back from its own files and topics: the bounded `what` label. */
export const ReloadKind = {
  /** A changelog record that is not a snapshot of its key's agent (restore goes on without it). */
  Changelog: 'changelog',
  /** A line of a sink's delivery spool (set aside in rejected.jsonl; the queue goes on). */
  Spool: 'spool',
  /** An entry of the Alertmanager open-alerts journal (dropped; the other open alerts are re-sent). */
  Journal: 'journal',
} as const;
export type ReloadKind = (typeof ReloadKind)[keyof typeof ReloadKind];

/** Records read back and set aside as unreadable or invalid. (A bad state file stops the command: nothing to count.) */
export interface ReloadMetrics {
  rejected(what: ReloadKind, n: number): void;
}

export const noopReloadMetrics: ReloadMetrics = { rejected: () => undefined };

// One counter per registry, shared by every spool and journal registered in it.
const byRegistry = new WeakMap<Registry, Counter<'what'>>();

/** The Prometheus side of ReloadMetrics; every `what` series exists at 0 from the start. */
export function prometheusReloadMetrics(registry: Registry): ReloadMetrics {
  let counter = byRegistry.get(registry);
  if (!counter) {
    counter = new Counter({
      name: 'agentwatch_reload_records_rejected_total',
      help: 'Records read back (changelog snapshots, delivery spool lines, Alertmanager journal entries) that were unreadable or failed their schema: set aside with a logged reason while their neighbours went on.',
      labelNames: ['what'] as const,
      registers: [registry],
    });
    for (const what of Object.values(ReloadKind)) counter.inc({ what }, 0);
    byRegistry.set(registry, counter);
  }
  const c = counter;
  return {
    rejected: (what, n) => {
      if (n > 0) c.inc({ what }, n);
    },
  };
}
