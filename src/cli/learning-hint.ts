import { detectorRegistry } from '../core/detectors/registry.js';
import type { EngineSettings } from '../core/engine-settings.js';
import type { ReplaySummary } from '../pipeline/replay.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function duration(ms: number): string {
  if (ms >= DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  if (ms >= HOUR_MS) return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * When a replay ends with most agents still learning, why it is (nearly) silent and what to do
 * (issue 15, item 4): a short capture never matures a baseline at the default settings, and a
 * person reading "No alerts." should not conclude there was nothing to see.
 */
export function learningHint(s: ReplaySummary, engine: EngineSettings): string[] {
  if (s.agents === 0 || s.learningAgents * 2 <= s.agents) return [];
  const learned = detectorRegistry
    .filter((d) => d.learned)
    .map((d) => d.name)
    .join(', ');
  const n = (x: number) => x.toLocaleString('en-US');
  // Already forensic (no learning period, no cold-start quiet): only the learned detectors' event count is left to say.
  const forensic = engine.learningPeriodMs === 0 && !engine.newSensitiveResource.quietColdStart;
  const out = [
    `Most agents (${n(s.learningAgents)} of ${n(s.agents)}) are still learning: ${learned} speak once an agent has ` +
      (engine.learningPeriodMs > 0 ? `been seen for ${duration(engine.learningPeriodMs)} and ` : '') +
      `made ${n(engine.minLearningEvents)} events` +
      (engine.newSensitiveResource.quietColdStart
        ? ', and the first reads of sensitive resources by agents present at the start are learned quietly (cold start)'
        : '') +
      '. Privileged grants and declared sensitive actions are reported from the first event.',
  ];
  if (forensic) return out;
  out.push(
    'For a short capture, any of:',
    '  --config examples/cloudtrail-forensics.yaml   a forensic config: judged after 10 events, every first read is news',
    '  engine.learningPeriodMs / engine.minLearningEvents   a shorter learning period in your config',
    '  --save-state on a replay of earlier logs, then --state   a warm start from baselines already learned',
  );
  return out;
}
