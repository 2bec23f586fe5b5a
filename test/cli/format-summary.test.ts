import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/format-summary.js';
import { type ReplaySummary } from '../../src/pipeline/replay.js';

const base: ReplaySummary = {
  files: 1, lines: 10, blankLines: 0, accepted: 5, rejected: {}, skipped: {}, formats: { native: 1 }, lateEvents: 0, duplicates: 0, alerts: 0, alertsByDetector: {},
  incidentUpdates: 0, updates: 0, resolved: 0, suppressed: 0, verdictsApplied: 0, agents: 1, learningAgents: 1, elapsedMs: 1000, eventsPerSecond: 5,
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
    expect(formatSummary({ ...base, graceHeld: 1234 })).toContain('Grace: 1,234 learned alerts held back after deploys or in maintenance windows, their traffic learned as normal (per agent: agentwatch inspect).');
    expect(formatSummary(base)).not.toContain('Grace:');
  });
});
