import { type AgentBaseline } from '../baselines/agent-baseline.js';
import { type Finding } from '../detectors/detector.js';

/**
 * What "the same pattern" means for feedback, per detector: an exact value (the resource, the
 * permission, the place, the local hour, the rule and its value), or a magnitude (a rate, an
 * error share) below which the agent's behaviour is now expected.
 */
export interface FindingPattern {
  key?: string;
  magnitude?: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

export function findingPattern(finding: Finding, agent: AgentBaseline): FindingPattern {
  const o = finding.observed;
  switch (finding.detector) {
    case 'rate_spike':
      return { magnitude: Number(o['eventsPerMinute']) };
    case 'error_rate':
      return { magnitude: Number(o['share']) };
    case 'off_hours':
      return { key: `hour:${agent.hourSlot % 24}` };
    case 'new_sensitive_resource':
      return { key: str(o['resource']) };
    case 'new_sensitive_action':
      // The key the detector remembers the action by (new-sensitive-action.ts).
      return { key: `action ${str(o['label'])} ${str(o['action'])}` };
    case 'new_permission':
      return { key: str(o['permission']) };
    case 'multi_location':
      return { key: str(o['place']) };
    case 'policy_violation': {
      const rule = str(o['rule']);
      if (rule === 'maxEventsPerMinute') return { key: rule, magnitude: Number(o['eventsThisBucket']) };
      if (rule === 'activeHours') return { key: `${rule}:${agent.hourSlot % 24}` };
      return { key: `${rule}:${str(o['region'] ?? o['permission'] ?? o['resource'])}` };
    }
    default:
      // Self-contained detectors (docs/adding-a-detector.md) bring their own `pattern`.
      return {};
  }
}
