import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeSmallFleet } from '../helpers/fleet-files.js';

interface Group {
  detector: string;
  agentId: string;
  count: number;
  examples: { id: string; time: string; severity: string; summary: string }[];
}
interface DiffJson {
  alertsA: number;
  alertsB: number;
  matchedById: number;
  matchedByWindow: number;
  appeared: Group[];
  disappeared: Group[];
  severityChanged: (Omit<Group, 'examples'> & { examples: { idA: string; idB: string; from: string; to: string }[] })[];
  byDetector: { detector: string; a: number; b: number; appeared: number; disappeared: number; severityChanged: number }[];
}

describe('agentwatch diff', () => {
  const fleet = writeSmallFleet();
  const agentOf = (line: string) => (JSON.parse(line) as { agentId: string }).agentId;
  /** A copy of the fleet's baselines plus one more file. */
  const baselinesWith = (name: string, yaml: string): string => {
    const dir = join(fleet.dir, name);
    mkdirSync(dir);
    cpSync(join(fleet.baselines, 'fleet.yaml'), join(dir, 'fleet.yaml'));
    writeFileSync(join(dir, 'extra.yaml'), yaml);
    return dir;
  };

  it('two configs: a lower rate-spike threshold adds rate_spike alerts, the labelled spike among them, and takes none away', async () => {
    const a = join(fleet.dir, 'current.yaml');
    const b = join(fleet.dir, 'lower.yaml');
    // The in-bucket rule alone (the scan windows of issue 14 would catch the small spike either way).
    writeFileSync(a, 'engine:\n  rateSpike:\n    windows: { enabled: false }\n');
    writeFileSync(b, 'engine:\n  rateSpike:\n    minCount: 5\n    peakMultiplier: 1.5\n    windows: { enabled: false }\n');
    const r = await cli(['diff', fleet.events, '--baselines', fleet.baselines, '--config', a, '--config', b, '--json', '--jobs', '2']);
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as DiffJson;
    expect(d.appeared.length).toBeGreaterThan(0);
    expect(new Set(d.appeared.map((g) => g.detector))).toEqual(new Set(['rate_spike']));
    expect(d.disappeared).toEqual([]);
    expect(d.severityChanged).toEqual([]);
    // Every alert of A is still raised by B.
    expect(d.matchedById + d.matchedByWindow).toBe(d.alertsA);
    expect(d.alertsB - d.alertsA).toBe(d.appeared.reduce((n, g) => n + g.count, 0));
    for (const x of d.byDetector.filter((x) => x.detector !== 'rate_spike')) expect([x.detector, x.a]).toEqual([x.detector, x.b]);
    // The labelled spike (too small for the defaults) is one of the new alerts, at its start.
    const label = fleet.labelList.find((l) => l.detector === 'rate_spike')!;
    const spike = d.appeared.find((g) => g.agentId === label.agentId)?.examples.find((e) => e.time >= label.start && e.time <= label.end);
    expect(spike?.summary).toMatch(/calls\/min/);
  });

  it('two baselines folders: declaring exports sensitive adds new_sensitive_resource alerts for exactly the agents that write them', async () => {
    const b = baselinesWith('with-exports', 'sensitive:\n  - pattern: "arn:aws:s3:::*-sync/exports/*"\n    label: sync-exports\n');
    const r = await cli(['diff', fleet.events, '--baselines', fleet.baselines, '--baselines', b, '--json', '--examples', '2']);
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as DiffJson;
    const writers = new Set(fleet.lines.filter((l) => l.includes('-sync/exports/')).map(agentOf));
    expect(writers.size).toBe(2);
    expect(d.appeared.map((g) => [g.detector, g.agentId]).sort()).toEqual([...writers].sort().map((w) => ['new_sensitive_resource', w]));
    for (const g of d.appeared) {
      expect(g.examples).toHaveLength(2);
      expect(g.examples[0]?.summary).toMatch(/wrote sync-exports resource arn:aws:s3:::\S+-sync\/exports\//);
      expect(g.examples[0]!.time < g.examples[1]!.time).toBe(true);
    }
    expect(d.disappeared).toEqual([]);
    expect(d.severityChanged).toEqual([]);

    // B's side is what `agentwatch replay` with B's folder raises.
    const out = join(fleet.dir, 'b-alerts.jsonl');
    const rep = await cli(['replay', fleet.events, '--baselines', b, '--output', out, '--no-progress']);
    expect(rep.status, rep.stderr).toBe(0);
    const opening = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status?: string; detector: string })
      .filter((x) => x.status === 'open' || x.status === undefined);
    expect(d.alertsB).toBe(opening.length);
    const ids = new Set(opening.map((x) => x.id));
    for (const g of d.appeared) for (const e of g.examples) expect(ids.has(e.id)).toBe(true);
  });

  it('a privileged pattern raises the severity of first requests (text output, grouped by detector and agent)', async () => {
    const b = baselinesWith('all-privileged', 'privileged:\n  - pattern: "*"\n    label: everything\n');
    const r = await cli(['diff', fleet.events, '--baselines', fleet.baselines, '--baselines', b, '--examples', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^A: default config --baselines \S+\/baselines\nB: default config --baselines \S+\/all-privileged\n/);
    // Privileged grants speak at a cold start (issue 15): with every permission privileged, each
    // agent's first grants of the stream are an inventory, in B only.
    expect(r.stdout).toMatch(/^new_permission\s+4\s+13\s+9\s+0\s+1$/m);
    const changed = r.stdout.slice(r.stdout.indexOf('Severity changed (1):'));
    expect(changed).toMatch(
      /^Severity changed \(1\):\n {2}new_permission \(1\)\n {4}\S+fraud-scorer-\S+ \(1\)\n {6}\S+Z {2}medium ↑ critical {2}\S+ requested privileged permission/,
    );
    expect(r.stdout).toMatch(/Appeared in B \(9\):\n {2}new_permission \(9\)/);
    expect(r.stdout).toContain('Disappeared in B: none');
  });

  it('needs two of something to compare, and has --help with an example', async () => {
    const r = await cli(['diff', fleet.events, '--config', join(fleet.dir, 'x.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('agentwatch: nothing to compare: give --config twice (A then B), --baselines twice, or both [AW_INVALID_CONFIG]\n');
    const h = await cli(['diff', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Examples:\n {2}agentwatch diff /);
  });
});
