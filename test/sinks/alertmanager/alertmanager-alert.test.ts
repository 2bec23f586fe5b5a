import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { alertName, alertmanagerLabels, formatObservation, generatorUrlFor, toPostableAlert } from '../../../src/sinks/alertmanager/alertmanager-alert.js';
import { DAY, HOUR, MINUTE, T0, engineWith, merge, runAll, traffic } from '../../helpers/traffic.js';

// The wall clock of the sink, well after the replayed incident (as in a replay of old logs).
const NOW = Date.UTC(2026, 10, 26, 12);
const TTL = 3 * MINUTE;

describe('alert → Alertmanager postable alert', () => {
  // A 10x spike of 35 minutes on day 9 for an agent with a class and a tenant: open, updates, resolved.
  const spikeAt = T0 + 9 * DAY + 14 * HOUR;
  const extra = { agentClass: 'invoice-summarizer', tenant: 'contoso' };
  const events = merge(
    traffic('agent-a', T0, T0 + 10 * DAY, () => 10, 1, extra),
    traffic('agent-a', spikeAt, spikeAt + 35 * MINUTE, () => 120, 2, extra),
  );
  const messages = runAll(engineWith(), events).filter((a) => a.detector === 'rate_spike');
  const open = messages[0]!;
  const resolved = messages.at(-1)!;
  const mapped = messages.map((m) => toPostableAlert(m, { nowMs: NOW, ttlMs: TTL, generatorUrl: 'https://grafana.example/d/agentwatch?var-alert={alertId}' }));

  it('the engine gave an incident with updates (the premise of the other cases)', () => {
    expect(messages.map((m) => m.status)).toEqual(['open', 'update', 'update', 'update', 'resolved']);
  });

  it('labels are the stable identity: the same for open, every update and the resolution', () => {
    expect(mapped[0]!.labels).toEqual({
      alertname: 'AgentwatchRateSpike',
      agent_id: 'agent-a',
      detector: 'rate_spike',
      severity: open.severity,
      agent_class: 'invoice-summarizer',
      tenant: 'contoso',
    });
    for (const m of mapped) expect(m.labels).toEqual(mapped[0]!.labels);
    // None of the changing values leak into labels.
    const values = Object.values(mapped[0]!.labels);
    expect(values).not.toContain(open.id);
    expect(values).not.toContain(String(open.score));
  });

  it('annotations carry the summary, observed vs expected, the alert id and evidence', () => {
    const a = mapped[0]!.annotations;
    expect(a['summary']).toBe(open.summary);
    expect(a['observed']).toBe(formatObservation(open.observed));
    expect(a['observed']).toMatch(/^eventsPerMinute=\d+(\.\d+)?, /);
    expect(a['expected']).toContain('typicalPeakPerMinute=');
    expect(a['alert_id']).toBe(open.id);
    expect(a['evidence']).toBe(open.evidence.join(', '));
    expect(a['description']).toContain('rate_spike on agent agent-a (class invoice-summarizer, tenant contoso)');
    expect(a['status']).toBe('open');
    // Updates keep the id and report the growing count.
    for (const m of mapped) expect(m.annotations['alert_id']).toBe(open.id);
    expect(mapped[1]!.annotations['status']).toBe('update');
    expect(Number(mapped[3]!.annotations['trigger_count'])).toBeGreaterThan(Number(mapped[1]!.annotations['trigger_count']));
    expect(mapped.at(-1)!.annotations['description']).toContain('quiet for the cooldown');
  });

  it('startsAt is the first trigger; open and updates end at now + TTL; the resolution ends at the resolved time', () => {
    for (const m of mapped) expect(m.startsAt).toBe(open.time);
    for (const m of mapped.slice(0, -1)) expect(m.endsAt).toBe(new Date(NOW + TTL).toISOString());
    expect(mapped.at(-1)!.endsAt).toBe(resolved.episode!.resolvedTime);
    expect(Date.parse(mapped.at(-1)!.endsAt)).toBeLessThan(NOW);
    expect(Date.parse(mapped.at(-1)!.endsAt)).toBeGreaterThan(Date.parse(mapped.at(-1)!.startsAt));
  });

  it('generatorURL is the configured link with the alert id', () => {
    expect(mapped[0]!.generatorURL).toBe(`https://grafana.example/d/agentwatch?var-alert=${open.id}`);
    expect(generatorUrlFor('https://aw.example/alerts/{id}', open)).toBe(`https://aw.example/alerts/${open.id}`);
    expect(generatorUrlFor('https://aw.example/alerts', open)).toBe(`https://aw.example/alerts?alert_id=${open.id}`);
    expect(generatorUrlFor('https://aw.example/a/{agentId}/{detector}', { ...open, agentId: 'svc a/b' })).toBe('https://aw.example/a/svc%20a%2Fb/rate_spike');
    expect(toPostableAlert(open, { nowMs: NOW, ttlMs: TTL })).not.toHaveProperty('generatorURL');
  });

  it('event times ahead of the wall clock are held at now, so the end is never before the start', () => {
    const early = Date.parse(open.time) - HOUR;
    const ahead = toPostableAlert(open, { nowMs: early, ttlMs: TTL });
    expect(ahead.startsAt).toBe(new Date(early).toISOString());
    const res = toPostableAlert(resolved, { nowMs: early, ttlMs: TTL });
    expect(Date.parse(res.endsAt)).toBeGreaterThan(Date.parse(res.startsAt));
    expect(Date.parse(res.endsAt)).toBeLessThanOrEqual(early + 1);
  });

  it('a severity escalation is a different label set (the target ends the lower one)', () => {
    const escalated: Alert = { ...open, severity: 'critical', status: 'update' };
    expect(alertmanagerLabels(escalated)).toEqual({ ...alertmanagerLabels(open), severity: 'critical' });
  });

  it('names alerts after the detector; leaves out empty class and tenant', () => {
    expect(alertName('new_sensitive_resource')).toBe('AgentwatchNewSensitiveResource');
    expect(alertName('multi_location')).toBe('AgentwatchMultiLocation');
    const bare = alertmanagerLabels({ ...open, agentClass: '', tenant: undefined } as Alert);
    expect(Object.keys(bare).sort()).toEqual(['agent_id', 'alertname', 'detector', 'severity']);
  });

  it('formats arrays and nulls in observations readably', () => {
    expect(formatObservation({ places: ['Paris', 'Lima'], distanceKm: 10_230, note: null, ok: true })).toBe(
      'places=[Paris, Lima], distanceKm=10230, note=null, ok=true',
    );
  });
});
