import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';
import type { AuditEvent } from '../../src/core/events/audit-event.js';
import { ROOT } from '../helpers/cli.js';

/**
 * Every `tools:` entry of the genai pack (issue 15, item 8: a test per pack entry) on a tool call
 * written as the OpenTelemetry GenAI conventions describe an execute_tool span: the tool named
 * in gen_ai.tool.name, its arguments in gen_ai.tool.call.arguments (here already flattened by the
 * adapter as tool.arg.*). Each entry's target comes out normalised: an address, a domain, a host.
 */
const { document, baselines } = loadBaselinesDir(join(ROOT, 'baselines/packs/genai'));

const SAMPLES: Record<string, string> = {
  recipient: 'Someone@Partner.example',
  payee: 'Northwind Holdings',
  'grantee-domain': 'drop@attacker.example',
  'url-host': 'https://attacker.example:8443/c?d=1',
};
const EXPECTED: Record<string, string> = {
  recipient: 'someone@partner.example',
  payee: 'northwind holdings',
  'grantee-domain': 'attacker.example',
  'url-host': 'attacker.example',
};

const call = (tool: string, args: Record<string, string>): AuditEvent =>
  ({
    id: 'x',
    timeMs: 0,
    agentId: 'a',
    category: 'api_call',
    action: `tool:${tool}`,
    resource: `tool:${tool}`,
    outcome: 'success',
    attributes: { tool, ...Object.fromEntries(Object.entries(args).map(([k, v]) => [`tool.arg.${k}`, v])) },
  }) as AuditEvent;

describe('genai pack: tools and their targets', () => {
  it('every entry names its target from each of its arguments, with a label and a why', () => {
    const tools = document.tools ?? [];
    expect(tools.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const entry of tools) {
      const tool = `agent_${entry.tool.replaceAll('*', '')}_v2`;
      if (entry.why === undefined || entry.label === undefined) problems.push(`${entry.tool}: no why or label`);
      for (const argument of entry.target) {
        const found = baselines.tools.targetOf(call(tool, { [argument]: SAMPLES[entry.label ?? ''] ?? 'x' }), tool);
        // The first declaration whose glob matches the tool wins: it must be this one's label.
        if (found?.targets[0] !== EXPECTED[entry.label ?? ''] || found?.argument !== argument)
          problems.push(`${entry.tool} ${argument}: ${JSON.stringify(found)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a fetch span with no arguments falls back on its url.full; an undeclared tool has no target', () => {
    const fetch = { ...call('fetch_url', {}), resource: 'https://docs.example.com/page' } as AuditEvent;
    expect(baselines.tools.targetOf(fetch, 'fetch_url')).toMatchObject({ targets: ['docs.example.com'], argument: 'url.full', label: 'url-host' });
    expect(baselines.tools.targetOf(call('search_docs', { query: 'x' }), 'search_docs')).toBeUndefined();
  });
});
