import { describe, expect, it } from 'vitest';

// Shows the setup file is wired in vitest.config.ts: without it, a test with no assertion passes.
describe('the assertion guard', () => {
  it('is armed before every test', () => {
    expect(expect.getState().isExpectingAssertions).toBe(true);
  });
});
