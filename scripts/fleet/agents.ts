import { CLASSES, type ClassTemplate, type OpRow } from './catalog.js';
import { podIp, publicIp, region as regionInfo, sourceLoc } from './geo.js';
import { derive, type Rng, WeightedTable } from './prng.js';
import { compileResource, newCtx, stablePool } from './resources.js';
import { assertJsonSafe } from './serialize.js';
import type { AgentProfile, ArchetypeParams, Op, RegionPool, ResolvedOptions, RoutineRead } from './types.js';

export interface PeerGroup {
  agentClass: string;
  template: ClassTemplate;
  timezone: string;
  declared: boolean;
  agents: AgentProfile[];
}

export interface FleetLayout {
  org: string;
  agents: AgentProfile[];
  groups: PeerGroup[];
}

const ORGS = ['acme', 'contoso', 'globex', 'initech', 'northwind', 'fabrikam'];
// Large fleets reuse a class for further peer groups: the variants a real estate accumulates.
const GROUP_SUFFIXES = ['', '-v2', '-legacy', '-canary', '-shadow', '-b'];
const CLUSTER_REGION: Record<string, string> = {
  use1: 'us-east-1',
  usw2: 'us-west-2',
  euc1: 'eu-central-1',
  euw1: 'eu-west-1',
  apne1: 'ap-northeast-1',
  apse2: 'ap-southeast-2',
};

export function buildFleet(opts: ResolvedOptions): FleetLayout {
  const rng = derive(opts.seed, 'fleet');
  const org = rng.pick(ORGS);
  // Small fleets keep the first (archetype-spanning) classes; the order of the rest is the seed's.
  const order = [...CLASSES.slice(0, 8), ...rng.shuffle(CLASSES.slice(8))];
  const maxSize = opts.agents <= 16 ? 2 : Math.min(6, Math.max(3, Math.round(opts.agents / 8) + 1));
  const homes = new Map<string, string>();
  const counters = new Map<string, number>();
  const agents: AgentProfile[] = [];
  const groups: PeerGroup[] = [];
  let round = 0;
  while (agents.length < opts.agents) {
    for (const template of order) {
      const left = opts.agents - agents.length;
      if (left <= 0) break;
      // Mostly small peer groups, sometimes a larger one.
      let size = Math.min(left, maxSize, rng.pick([2, 2, 3, 3, 3, 4, 5, 6]));
      // Never leave a lone agent for the last group: a peer group needs peers.
      if (left - size === 1) size += 1;
      const suffix = GROUP_SUFFIXES[round] ?? `-g${round + 1}`;
      const g = buildGroup(opts, rng, org, template, `${template.name}${suffix}`, round, size, homes, counters, agents.length);
      groups.push(g);
      agents.push(...g.agents);
    }
    round++;
  }
  return { org, agents, groups };
}

function buildGroup(
  opts: ResolvedOptions,
  rng: Rng,
  org: string,
  t: ClassTemplate,
  agentClass: string,
  round: number,
  size: number,
  homes: Map<string, string>,
  counters: Map<string, number>,
  firstIndex: number,
): PeerGroup {
  const timezone = rng.pick(t.timezones);
  const declared = rng.chance(t.declare);
  const regionSet = rng.pick(t.regions);
  const suffixes = rng.shuffle(t.suffixes);
  const classVars = { sfx: rng.alnum(6), kmskey: rng.uuid() };
  const agents: AgentProfile[] = [];
  for (let i = 0; i < size; i++) {
    const index = firstIndex + i;
    const n = (counters.get(t.name) ?? rng.int(0, 6)) + 1;
    counters.set(t.name, n);
    const word = suffixes.length ? `${suffixes[i % suffixes.length]}${round ? `-${round + 1}` : ''}${i >= suffixes.length ? `-${i}` : ''}` : '';
    const home = resolve(t.home, { suffix: word });
    const regions = CLUSTER_REGION[word] ? [CLUSTER_REGION[word] as string] : regionSet;
    const vars: Record<string, string> = {
      org,
      suffix: word,
      n: String(n),
      inst: String(n).padStart(2, '0'),
      region: regions[0] as string,
      acct: homeId(
        opts.seed,
        homes,
        `acct:${home}`,
        (r) => String(r.int(1, 9)) + r.int(0, 99999).toString().padStart(5, '0') + r.int(0, 999999).toString().padStart(6, '0'),
      ),
      sub: homeId(opts.seed, homes, `sub:${home}`, (r) => r.uuid()),
      cluster: home,
      ...classVars,
    };
    for (const [k, v] of Object.entries(t.vars ?? {})) vars[k] = resolve(v, vars);
    if (vars['storage']) vars['storage'] = (vars['storage'] as string).replace(/[^a-z0-9]/g, '').slice(0, 24);
    const arng = derive(opts.seed, 'agent', index);
    agents.push(buildAgent(opts, arng, t, agentClass, index, timezone, declared, regions, vars));
  }
  return { agentClass, template: t, timezone, declared, agents };
}

function buildAgent(
  opts: ResolvedOptions,
  rng: Rng,
  t: ClassTemplate,
  agentClass: string,
  index: number,
  timezone: string,
  declared: boolean,
  regions: readonly string[],
  vars: Record<string, string>,
): AgentProfile {
  const pools: Record<string, WeightedTable<string>> = {};
  for (const [name, count] of Object.entries(t.pools ?? {})) pools[name] = stablePool(poolItems(rng, name, count));
  const compile = (rows: readonly OpRow[]): WeightedTable<Op> => {
    let kept = rows;
    // Peers are alike, not identical: some skip a minor operation.
    if (rows.length > 3 && rng.chance(0.3)) {
      const minor = rows.reduce((a, b) => (b[3] < a[3] ? b : a));
      kept = rows.filter((r) => r !== minor);
    }
    const ops = kept.map(([cat, action, res]) => ({ cat, action, res: res === undefined ? undefined : compileResource(res, vars, pools) }));
    return new WeightedTable(
      ops,
      kept.map((r) => r[3] * rng.lognormal(0, 0.25)),
    );
  };
  for (const rows of [t.ops, t.burstOps ?? []]) for (const r of rows) assertJsonSafe(r[1], 'action');
  for (const p of [...t.permissions, ...t.extraPermissions, t.permAction]) assertJsonSafe(p, 'permission');
  const ops = compile(t.ops);
  const tenant = t.cloud === 'aws' ? (vars['acct'] as string) : t.cloud === 'k8s' ? (vars['cluster'] as string) : (vars['sub'] as string);
  const routine: RoutineRead[] = (t.routine ?? []).map(([action, res, cadence, p]) => ({
    action: assertJsonSafe(action, 'action'),
    resource: assertJsonSafe(resolve(res, vars), 'resource'),
    cadence,
    p,
  }));
  const id = resolve(t.id, vars);
  const chronic = t.chronicDenied && rng.chance(0.6) ? t.chronicDenied : undefined;
  return {
    index,
    id,
    agentClass,
    tenant,
    cloud: t.cloud,
    archetype: t.archetype,
    timezone,
    declared,
    baseRate: rng.lognormal(Math.log(Math.sqrt(t.rate[0] * t.rate[1])), 0.35) * opts.scale,
    quiet: false,
    params: archetypeParams(rng, t),
    ops,
    burstOps: t.burstOps ? compile(t.burstOps) : ops,
    permissions: [...t.permissions],
    extraPermissions: [...t.extraPermissions],
    permAction: t.permAction,
    routine,
    errorRatio: rng.range(0.01, 0.03),
    deniedShare: rng.range(0.15, 0.45),
    chronicDenied: chronic ? { cat: chronic[0], action: chronic[1], res: compileResource(chronic[2] ?? '', vars, pools) } : undefined,
    regions: regions.map((r, i) => regionPool(rng, r, t.cloud === 'k8s', i === 0 ? 1 : rng.range(0.2, 0.6))),
    homeRegions: [...regions],
    vars,
    ctx: newCtx(),
    json: `"agentId":${JSON.stringify(id)},"agentClass":${JSON.stringify(agentClass)},"tenant":${JSON.stringify(tenant)}`,
  };
}

function archetypeParams(rng: Rng, t: ClassTemplate): ArchetypeParams {
  const o = t.params ?? {};
  const p: ArchetypeParams = {
    diurnalAmp: (o.diurnalAmp ?? rng.range(0.1, 0.35)) * rng.range(0.8, 1.2),
    peakHour: rng.range(13, 16),
    weekendFactor: t.archetype === 'business' ? 0 : rng.range(0.7, 1),
    dayStart: (o.dayStart ?? 480) + rng.pick([-15, 0, 0, 15]),
    dayEnd: (o.dayEnd ?? 1080) + rng.pick([-30, 0, 15, 30]),
    strayPerDay: rng.range(0.08, 0.2),
    // Peers of a batch class run at staggered cron times, each fixed for the agent.
    burstAt: (o.burstAt ?? 120) + rng.pick([0, 0, 15, 30, 45]),
    burstMinutes: (o.burstMinutes ?? 30) * rng.range(0.7, 1.3),
    burstFactor: Math.min(50, Math.max(20, (o.burstFactor ?? 35) * rng.range(0.7, 1.3))),
    burstWeekday: o.burstWeekday ?? 6,
    growthPerDay: rng.range(0.01, 0.04),
    pollEvery: o.pollEvery ?? rng.pick([10, 15, 20, 30]),
    heavyProb: o.heavyProb ?? 0.006,
  };
  if (t.archetype === 'weekly') p.burstMinutes = rng.range(30, 90);
  return p;
}

function regionPool(rng: Rng, name: string, pod: boolean, weight: number): RegionPool {
  const info = regionInfo(name);
  const podOctet = rng.int(0, 60) * 4;
  const count = pod ? rng.int(3, 8) : rng.int(1, 4);
  const ips = [];
  for (let i = 0; i < count; i++) {
    ips.push(sourceLoc(pod ? podIp(rng, podOctet) : publicIp(rng, info), name, info.country));
  }
  return { region: name, country: info.country, weight, ips, pod, podOctet };
}

const WORDS = ['alpha', 'billing', 'core', 'delta', 'edge', 'finance', 'growth', 'hr', 'infra', 'legal', 'mobile', 'ops', 'sales', 'search'];

function poolItems(rng: Rng, name: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    switch (name) {
      case 'users':
      case 'groups':
        out.push(rng.uuid());
        break;
      case 'articles':
        out.push(String(rng.int(360000000, 369999999)));
        break;
      case 'drives':
        out.push(`b!${rng.alnum(22)}`);
        break;
      case 'repos':
        out.push(`${rng.pick(WORDS)}-${rng.pick(['api', 'web', 'worker', 'sdk', 'infra', 'ui'])}${i}`);
        break;
      case 'docs':
        out.push(`${rng.pick(['runbooks', 'adr', 'design', 'onboarding', 'postmortems'])}/${rng.pick(WORDS)}-${rng.hex(4)}.docx`);
        break;
      default:
        out.push(`${rng.pick(WORDS)}/${rng.pick(WORDS)}-${rng.int(1, 99)}/data.db`);
    }
  }
  return out;
}

function homeId(seed: number, cache: Map<string, string>, key: string, make: (r: Rng) => string): string {
  let v = cache.get(key);
  if (v === undefined) {
    v = make(derive(seed, 'home', key));
    cache.set(key, v);
  }
  return v;
}

export function resolve(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
