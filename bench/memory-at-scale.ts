/**
 * Issue 16, item 3: bytes per agent with the full baseline at 100 k and 1 M agents, the changelog
 * bytes per agent, and a 1 M-agent restore. Run as a whole process (the heap limit must fit 1 M):
 *   node --expose-gc --max-old-space-size=15000 --import tsx bench/memory-at-scale.ts --agents 1000000 [--breakdown] [--restore-agents N] [--json FILE]
 * Every agent sees a mix over 36 hours (several resources, actions and hours, permissions,
 * failures, two source addresses, tool calls in traces), so every part of a baseline exists:
 * sketches with bins, hour profile, rate windows with their hours of day, seen-sets, error window,
 * locations, rate_drop and tool state. Bytes: heap used + array buffers after GC, the growth divided
 * by the number of agents. Changelog: each agent's record as `snapshotRecords` makes it for the
 * writer (key + JSON value; gzip measured on one chunk in ten, the writer compresses per request).
 * Restore: the records as buffers, the engine dropped, then parse + validate + `restoreAgent` of
 * every record into a fresh engine, timed (wall clock and CPU); not through the broker.
 * Contributors (`--breakdown`): each part of every baseline dropped in turn, the heap freed
 * measured: the bytes that part retains, exclusively.
 */
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DeclaredBaselines } from '../src/core/baselines/declared-baselines.js';
import type { AgentBaseline } from '../src/core/baselines/agent-baseline.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import { Engine } from '../src/core/engine.js';
import type { AuditEvent } from '../src/core/events/audit-event.js';
import { parseSnapshot } from '../src/kafka/changelog-restore.js';
import { snapshotRecords } from '../src/kafka/changelog-records.js';
import { heapUsed } from './memory-per-agent.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2);
/** The writer's request budget (kafka.changelog default): large enough that nothing is trimmed. */
const BUDGET = 900_000;
const ACTIONS = ['storage.blob.read', 'storage.blob.read', 'storage.blob.write', 'storage.blob.list'] as const;
const TOOLS = ['tool:read_ticket', 'tool:search_docs', 'tool:reply'] as const;

export interface ScaleResult {
  agents: number;
  eventsPerAgent: number;
  bytesPerAgent: number;
  heapMb: number;
  feedSeconds: number;
  changelogBytesPerAgent: number;
  changelogGzipBytesPerAgent: number;
  restoreSeconds: number;
  /** CPU time of the restore (this process, GC threads included): a shared machine's queue for a core is not in it. */
  restoreCpuSeconds: number;
  /** Agents restored: the fed ones, or `--restore-agents` (fed agents' records under new ids). */
  restoredAgents: number;
  restoredBytesPerAgent: number;
  breakdown?: Record<string, number>;
}

/**
 * A decoded event's strings are flat (JSON.parse makes them so); a template literal makes a tree
 * of concatenations, which a Map key keeps as is: 95 B more per remembered resource. `charCodeAt`
 * flattens it in place, and the GC then drops the tree.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** The `k`-th event of agent `a`: 40 events over 36 hours, a realistic mix of everything a baseline learns. */
function fill(ev: AuditEvent, a: number, k: number): void {
  ev.id = flat(`e${k}-${a}`);
  ev.agentId = flat(`agent-${a}`);
  ev.timeMs = T0 + k * 54 * MINUTE + (a % 60) * 1000;
  ev.outcome = k % 13 === 5 ? 'failure' : 'success';
  ev.source = { ip: flat(`10.${a % 250}.${(a >> 8) % 250}.${k % 2 === 0 ? 7 : 9}`), region: k % 2 === 0 ? 'westeurope' : 'northeurope' };
  ev.attributes = undefined;
  ev.permission = undefined;
  if (k % 10 === 3) {
    ev.category = 'permission_request';
    ev.action = 'iam.role.assume';
    ev.permission = flat(`role/reader-${k % 3}`);
    ev.resource = undefined;
  } else if (k % 5 === 1) {
    ev.category = 'api_call';
    ev.action = TOOLS[((k / 5) % 3) | 0] as string;
    ev.attributes = { traceId: flat(`t${a}-${(k / 15) | 0}`) };
    ev.resource = flat(`https://docs.internal/kb/${k % 4}`);
  } else {
    ev.category = 'resource_access';
    ev.action = ACTIONS[k % 4] as string;
    ev.resource = flat(`https://acct.blob.core.windows.net/c${a % 97}/blob-${k % 6}`);
  }
}

function feed(engine: Engine, agents: number, eventsPerAgent: number): void {
  const ev: AuditEvent = { id: '', timeMs: 0, agentId: '', category: 'resource_access', action: '', outcome: 'success' };
  // Round-robin over agents in time order, as a real stream interleaves them.
  for (let k = 0; k < eventsPerAgent; k++) {
    for (let a = 0; a < agents; a++) {
      fill(ev, a, k);
      engine.process(ev, ev.timeMs);
    }
  }
}

/** Parts of a baseline, dropped in turn for `--breakdown` (what remains: the agent object, its id and map entry, scalars). */
const PARTS = [
  'windows',
  'sketch',
  'rateSpike',
  'profile',
  'resources',
  'permissions',
  'locations',
  'recentIds',
  'errorRate',
  'rateDrop',
  'toolTargets',
  'toolTransitions',
  'fast',
  'slow',
  'bucketEvidence',
  'offHours',
  'incidents',
  'grace',
] as const;

/** The engine's map is private; the bench reaches in to drop parts of baselines, or whole ones once encoded. */
const agentsOf = (engine: Engine) => (engine as unknown as { agents: Map<string, AgentBaseline> }).agents;

function breakdown(engine: Engine, agents: number, base: number): Record<string, number> {
  const all = [...agentsOf(engine).values()];
  const out: Record<string, number> = {};
  let last = heapUsed();
  for (const part of PARTS) {
    for (const a of all) (a as unknown as Record<string, unknown>)[part] = undefined;
    const now = heapUsed();
    out[part] = Math.round((last - now) / agents);
    last = now;
  }
  out['rest (agent object, id, map entry, scalars)'] = Math.round((last - base) / agents);
  return out;
}

export function measureAtScale(agents: number, eventsPerAgent = 40, withBreakdown = false, restoreAgents = agents): ScaleResult {
  const settings = defaultEngineSettings({ maxAgents: Math.max(agents, restoreAgents, 1_000_000) });
  const base = heapUsed();
  let engine: Engine | undefined = new Engine(settings, DeclaredBaselines.empty());
  let started = performance.now();
  feed(engine, agents, eventsPerAgent);
  const feedSeconds = (performance.now() - started) / 1000;
  const after = heapUsed();
  if (engine.agentCount !== agents) throw new Error(`agent count mismatch: ${engine.agentCount}`);
  // A 1 M run takes many minutes on a shared machine: the headline number as soon as it is known.
  process.stderr.write(`${agents} agents fed in ${Math.round(feedSeconds)} s: ${Math.round((after - base) / agents)} B per agent\n`);

  // Changelog records as the writer gets them, kept as buffers (off the JS heap) for the restore.
  const keys: string[] = [];
  const values: Buffer[] = [];
  let bytes = 0;
  let gzipBytes = 0;
  let gzipSampled = 0;
  const CHUNK = 1000;
  const EMPTY = Buffer.alloc(0);
  for (let from = 0; from < agents; from += CHUNK) {
    const ids: string[] = [];
    for (let a = from; a < Math.min(agents, from + CHUNK); a++) ids.push(`agent-${a}`);
    const r = snapshotRecords(engine, ids, () => 0, BUDGET);
    if (r.trimmed > 0) throw new Error('a snapshot was trimmed');
    bytes += r.bytes;
    if ((from / CHUNK) % 10 === 0) {
      gzipBytes += gzipSync(r.records.map((x) => `${x.key}${x.value ?? ''}`).join('')).length;
      gzipSampled += r.records.length;
    }
    for (const x of r.records) {
      keys.push(x.key);
      values.push(Buffer.from(x.value ?? ''));
      // At 1 M agents the engine and its records would not fit side by side: an encoded agent goes.
      if (!withBreakdown) agentsOf(engine).delete(x.key);
    }
  }
  // What the records hold (buffers, keys), not part of any baseline: subtracted from the breakdown's remainder.
  const recordsBytes = withBreakdown ? heapUsed() - after : 0;

  // `--restore-agents`: more agents than were fed, each a fed agent's record under a new id (the
  // feed of 1 M agents takes most of an hour on a shared machine; a restore needs only records).
  for (let i = agents; i < restoreAgents; i++) {
    const from = keys[i % agents] as string;
    const key = `agent-${i}`;
    keys.push(key);
    values.push(Buffer.from((values[i % agents] as Buffer).toString('utf8').replace(`"agentId":${JSON.stringify(from)}`, `"agentId":${JSON.stringify(key)}`)));
  }

  let breakdownResult: Record<string, number> | undefined;
  if (withBreakdown) breakdownResult = breakdown(engine, agents, base + recordsBytes);
  engine = undefined;
  const restored = new Engine(settings, DeclaredBaselines.empty());
  started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < keys.length; i++) {
    const s = parseSnapshot(keys[i] as string, values[i] as Buffer);
    values[i] = EMPTY;
    if (!s) throw new Error(`invalid record ${keys[i]}`);
    restored.restoreAgent(s);
  }
  const restoreSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const restoreCpuSeconds = (used.user + used.system) / 1e6;
  values.length = 0;
  keys.length = 0;
  if (restored.agentCount !== restoreAgents) throw new Error('restored agent count mismatch');
  const restoredBytes = heapUsed() - base;

  return {
    agents,
    eventsPerAgent,
    bytesPerAgent: Math.round((after - base) / agents),
    heapMb: Math.round((after - base) / 1048576),
    feedSeconds: Math.round(feedSeconds * 10) / 10,
    changelogBytesPerAgent: Math.round(bytes / agents),
    changelogGzipBytesPerAgent: Math.round(gzipBytes / gzipSampled),
    restoreSeconds: Math.round(restoreSeconds * 10) / 10,
    restoreCpuSeconds: Math.round(restoreCpuSeconds * 10) / 10,
    restoredAgents: restoreAgents,
    restoredBytesPerAgent: Math.round(restoredBytes / restoreAgents),
    ...(breakdownResult && { breakdown: breakdownResult }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string', default: '100000' },
      events: { type: 'string', default: '40' },
      breakdown: { type: 'boolean', default: false },
      'restore-agents': { type: 'string' },
      json: { type: 'string' },
    },
  });
  const result = measureAtScale(Number(values.agents), Number(values.events), values.breakdown, Number(values['restore-agents'] ?? values.agents));
  const text = `${JSON.stringify(result, null, 2)}\n`;
  process.stdout.write(text);
  if (values.json) writeFileSync(values.json, text);
}
