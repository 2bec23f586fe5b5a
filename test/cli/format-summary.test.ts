import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/format-summary.js';
import { defaultEngineSettings } from '../../src/core/engine-context.js';
import type { ReplaySummary } from '../../src/pipeline/replay.js';

const base: ReplaySummary = {
  files: 1,
  lines: 10,
  blankLines: 0,
  accepted: 5,
  rejected: {},
  skipped: {},
  formats: { native: 1 },
  lateEvents: 0,
  duplicates: 0,
  alerts: 0,
  alertsByDetector: {},
  incidentUpdates: 0,
  updates: 0,
  resolved: 0,
  suppressed: 0,
  verdictsApplied: 0,
  agents: 1,
  learningAgents: 1,
  elapsedMs: 1000,
  eventsPerSecond: 5,
};

describe('formatSummary with hostile reasons (issue 13)', () => {
  it('escapes controls in reason names', () => {
    const text = formatSummary({ ...base, skipped: { 'k8s-audit stage \u001b]0;x\u0007': 2 }, rejected: { too_large: 1 } });
    expect(text).toContain('Skipped (valid records with nothing to detect on): k8s-audit stage \\x1b]0;x\\x07: 2.');
    expect(text).toContain('Rejected: 1 (too_large: 1).');
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('bounds the reason lists: the 20 largest, then how many more and their count', () => {
    const skipped = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`reason-${i}`, 1 + (i % 7)]));
    const text = formatSummary({ ...base, skipped });
    const line = text.split('\n').find((l) => l.startsWith('Skipped')) ?? '';
    expect(line.split(', ')).toHaveLength(21);
    expect(line).toMatch(/, 4,980 more \([\d,]+\)\.$/);
    expect(line.length).toBeLessThan(1000);
  });
});

describe('formatSummary and grace periods (issue 14, item 7)', () => {
  it('counts the alerts held back in grace, and says nothing when there were none', () => {
    expect(formatSummary({ ...base, graceHeld: 1234 })).toContain(
      'Grace: 1,234 learned alerts held back after deploys or in maintenance windows, their traffic learned as normal (per agent: agentwatch inspect).',
    );
    expect(formatSummary(base)).not.toContain('Grace:');
  });
});

describe('formatSummary when most agents are still learning (issue 15)', () => {
  const engine = defaultEngineSettings();

  it('says why a short capture is quiet and lists the options', () => {
    const text = formatSummary({ ...base, agents: 19, learningAgents: 12 }, engine);
    expect(text).toContain('No alerts.');
    expect(text).toContain(
      'Most agents (12 of 19) are still learning: rate_spike, off_hours, error_rate, multi_location, rate_drop, new_tool_target, new_tool_transition speak once an agent has been seen for 7 days and made 50 events, and the first reads of sensitive resources by agents present at the start are learned quietly (cold start). Privileged grants and declared sensitive actions are reported from the first event.',
    );
    expect(text).toContain('--config examples/cloudtrail-forensics.yaml');
    expect(text).toContain('engine.learningPeriodMs');
    expect(text).toContain('--state');
  });

  it('says nothing of it when most agents are mature, or without the settings; drops the cold start where it is off', () => {
    expect(formatSummary({ ...base, agents: 19, learningAgents: 9 }, engine)).not.toContain('still learning:');
    expect(formatSummary({ ...base, agents: 19, learningAgents: 19 })).not.toContain('still learning:');
    const forensic = formatSummary(
      { ...base, agents: 4, learningAgents: 4 },
      defaultEngineSettings({ learningPeriodMs: 0, minLearningEvents: 10, newSensitiveResource: { quietColdStart: false } }),
    );
    expect(forensic).toContain('speak once an agent has made 10 events. Privileged');
    expect(forensic).not.toContain('cold start');
    expect(forensic).not.toContain('For a short capture');
  });
});
