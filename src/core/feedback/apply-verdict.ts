import type { OpenIncident } from '../alerts/incident.js';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import type { Detector } from '../detectors/detector.js';
import { AcceptedPatterns } from './accepted-patterns.js';
import type { FindingPattern } from './finding-pattern.js';
import type { Verdict } from './verdict.js';

/**
 * What a verdict does to the agent's baseline. `normal`: the pattern of the alert (its resource,
 * permission, place, hour, or a rate up to the observed one) becomes accepted, so the same
 * pattern raises nothing again; returns true (the incident closes). `confirmed`: an earlier
 * acceptance is withdrawn and a first use is unlearned, so the next use is flagged again.
 */
export function applyVerdict(agent: AgentBaseline, detector: Detector | string, incident: OpenIncident, verdict: Verdict, maxPatterns: number): boolean {
  const name = typeof detector === 'string' ? detector : detector.name;
  const pattern: FindingPattern = {};
  if (incident.pattern !== undefined) pattern.key = incident.pattern;
  if (incident.magnitude !== undefined) pattern.magnitude = incident.magnitude;
  if (verdict.verdict === 'normal') {
    (agent.accepted ??= new AcceptedPatterns(maxPatterns)).accept(name, pattern);
    incident.acceptedNormal = true;
    return true;
  }
  incident.acceptedNormal = false;
  agent.accepted?.withdraw(name, pattern);
  if (pattern.key !== undefined && typeof detector !== 'string') detector.forget?.(agent, pattern.key);
  return false;
}
