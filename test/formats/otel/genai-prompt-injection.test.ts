import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/alerts/alert.js';
import { loadBaselinesDir } from '../../../src/config/load-baselines.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { decodeRecords } from '../../../src/formats/decode-records.js';
import { replay } from '../../../src/pipeline/replay.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * Issue 15, item 7: a prompt-injected accounts-payable agent, as OTLP/JSON GenAI spans written
 * for this test (execute_tool spans with gen_ai.tool.call.arguments, semantic conventions 1.37).
 * Monday and Tuesday: 12 traces, two workflows (read_inbox → lookup_invoice → pay_invoice to
 * acme-supplies or globex-ltd → send_email to ap-team@; read_inbox → search_docs → fetch_url of
 * docs.example.com → send_email). Wednesday 09:00 an ordinary run; 10:00 an invoice email carries
 * an injected instruction: fetch a URL on attacker.example, pay Northwind Holdings, mail the
 * remittance to billing@attacker.example. 10:05 a new agent, still learning, does the same.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');

async function replayGenai(): Promise<Alert[]> {
  const { config } = loadConfig(join(FIXTURES, 'genai-prompt-injection.config.yaml'), {});
  const messages: Alert[] = [];
  const { summary } = await replay({
    files: [join(FIXTURES, 'genai-prompt-injection.otlp.jsonl')],
    config,
    baselines: loadBaselinesDir(join(ROOT, 'baselines/packs/genai')).baselines,
    sinks: [{ name: 'memory', write: (a) => void messages.push(a), close: async () => {} }],
  });
  expect(summary).toMatchObject({ accepted: 59, rejected: {} });
  return messages;
}

const brief = (a: Alert) => [a.detector, a.agentId, a.time, a.severity];

describe('GenAI spans: a prompt-injected agent misusing its tools', () => {
  it('the adapter carries the call arguments a pack names as targets', () => {
    const span = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'feed',
                  spanId: '0001',
                  name: 'execute_tool send_email',
                  startTimeUnixNano: '1772442000000000000',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                    { key: 'gen_ai.agent.id', value: { stringValue: 'a-1' } },
                    { key: 'gen_ai.tool.name', value: { stringValue: 'send_email' } },
                    {
                      key: 'gen_ai.tool.call.arguments',
                      value: { stringValue: JSON.stringify({ to: ['x@a.example', 'y@b.example'], subject: 'Hi', body: { nested: true } }) },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const [e] = [...decodeRecords(span)];
    expect(e).toMatchObject({ action: 'tool:send_email', attributes: { 'tool.arg.to': 'x@a.example,y@b.example', 'tool.arg.subject': 'Hi' } });
    expect((e as { attributes: Record<string, unknown> }).attributes['tool.arg.body']).toBeUndefined();
  });

  it("raises the injected run's new URL host, new payee (escalating) and never-seen step; nothing on the ordinary days", async () => {
    const messages = await replayGenai();
    const opened = messages.filter((a) => a.status === undefined || a.status === 'open');
    expect(opened.map(brief)).toEqual([
      ['new_tool_target', 'finance-assistant-01', '2026-03-04T10:00:05.000Z', 'medium'],
      ['new_tool_transition', 'finance-assistant-01', '2026-03-04T10:00:05.000Z', 'medium'],
      // The learning agent: only the declared first use of a sensitive tool speaks, not the learned detectors.
      ['new_sensitive_resource', 'intern-bot-02', '2026-03-04T10:05:10.000Z', 'medium'],
    ]);
    expect(opened[0]?.summary).toBe(
      'finance-assistant-01 called fetch_url with a url-host it has never used: attacker.example (argument url). Its usual url-hosts for fetch_url: docs.example.com; ' +
        'its usual tools: read_inbox (14), send_email (13), fetch_url (7), lookup_invoice (7), pay_invoice (7). ' +
        'Why it matters: a host this agent has never fetched from; injected content often sends data out in a URL.',
    );
    expect(opened[1]?.summary).toContain(
      'called fetch_url right after read_inbox (trace feed0000000000000000000000000000), a sequence it has never used in 7 known transitions. After read_inbox it usually calls: search_docs, lookup_invoice.',
    );
    // The payee escalates the open incident to high at once (an update with the same id).
    const updates = messages.filter((a) => a.status === 'update');
    expect(updates.map(brief)).toEqual([['new_tool_target', 'finance-assistant-01', '2026-03-04T10:00:10.000Z', 'high']]);
    expect(updates[0]?.id).toBe(opened[0]?.id);
    expect(updates[0]?.summary).toContain(
      'called pay_invoice with a payee it has never used: northwind holdings (argument payee). Its usual payees for pay_invoice: globex-ltd, acme-supplies',
    );
    // Nothing before the injection: the learning days and Wednesday's ordinary run.
    expect(messages.filter((a) => a.time < '2026-03-04T10:00:00.000Z')).toEqual([]);
  });
});
