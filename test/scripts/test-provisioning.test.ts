// What `npm test` sets up for itself: a temporary folder per run, and the Debian packages the
// suite runs (scripts/test/provision.sh, checked with --dry-run: nothing is installed here).
import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const provision = (...args: string[]) => spawnSync('bash', ['scripts/test/provision.sh', ...args], { cwd: ROOT, encoding: 'utf8' });
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { encoding: 'utf8' }).status === 0;
const root = process.getuid?.() === 0;

describe('test run set-up', () => {
  it('every temporary file of the run is under one folder of its own (removed at the end)', () => {
    expect(basename(tmpdir())).toMatch(/^agentwatch-test-run-\d+-/);
    expect(process.env['TMPDIR']).toBe(tmpdir());
    expect(basename(dirname(tmpdir()))).not.toMatch(/^agentwatch-test-run-/);
  });

  it('provision.sh: nothing to do without packages', () => {
    expect(provision().status).toBe(0);
  });

  // One test for the three cases, so that none is ever counted as skipped.
  it('provision.sh for a missing package: as root, says what it installs (--dry-run: the apt-get commands); otherwise one line naming the command, exit 3', () => {
    if (!hasApt) {
      const r = provision('agentwatch-no-such-package');
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/^\[provision\] missing: agentwatch-no-such-package; no apt-get here/);
    } else if (root) {
      const r = provision('--dry-run', 'agentwatch-no-such-package');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^\[provision\] installing with apt-get: agentwatch-no-such-package/m);
      expect(r.stderr).toMatch(/dry run: would run: apt-get update -qq && apt-get install .* agentwatch-no-such-package/);
    } else {
      const r = provision('agentwatch-no-such-package');
      expect(r.status).toBe(3);
      expect(r.stderr.trim()).toBe(
        '[provision] missing: agentwatch-no-such-package; run: sudo apt-get install -y --no-install-recommends agentwatch-no-such-package (their tests are skipped until then)',
      );
    }
  });
});
