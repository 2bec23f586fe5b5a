import { beforeEach, expect } from 'vitest';

// A test that reaches its end without one assertion proves nothing (a loop over an empty list,
// a branch never taken), yet passes: this makes every such test fail instead (issue 18, item 7).
beforeEach(() => {
  expect.hasAssertions();
});
