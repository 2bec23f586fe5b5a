// docker-compose.yml, the Dockerfile and deploy/ are checked against the code they deploy: the
// environment they set is what src/config understands, topic names are the config defaults,
// ports line up. No Docker engine is needed (or used).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_OVERRIDES } from '../../src/config/env-overrides.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ROOT } from '../helpers/cli.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  ports?: (string | number)[];
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const services = compose.services;
const defaults = loadConfig(undefined, {}).config;

function env(service: Service): Record<string, string> {
  const e = service.environment ?? {};
  if (Array.isArray(e)) return Object.fromEntries(e.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function commandText(service: Service): string {
  const c = service.command ?? [];
  return Array.isArray(c) ? c.join('\n') : c;
}

/** Services that run the agentwatch image. */
const agentwatchServices = Object.entries(services).filter(([, s]) => s.build !== undefined || s.image?.startsWith('agentwatch'));

/** `host:port` of the kafka service's listener for the compose network (the inter-broker one, advertised as `kafka:…`). */
function internalListener(): string {
  const k = env(services['kafka']!);
  const name = k['KAFKA_INTER_BROKER_LISTENER_NAME'];
  expect(name, 'KAFKA_INTER_BROKER_LISTENER_NAME').toBeTruthy();
  const advertised = (k['KAFKA_ADVERTISED_LISTENERS'] ?? '').split(',').map((l) => /^(\w+):\/\/([^:]+):(\d+)$/.exec(l.trim()));
  const mine = advertised.find((m) => m?.[1] === name);
  expect(mine, `advertised listener ${name}`).toBeTruthy();
  expect(mine![2]).toBe('kafka'); // the service name, resolvable inside the compose network
  expect(k['KAFKA_LISTENERS']).toMatch(new RegExp(`(^|,)${name}://[^,]*:${mine![3]}(,|$)`));
  return `${mine![2]}:${mine![3]}`;
}

/** Ports of the final stage's EXPOSE lines. */
function dockerfile(): { text: string; final: string } {
  const text = read('Dockerfile');
  const stages = text.split(/^FROM /m);
  return { text, final: `FROM ${stages[stages.length - 1]}` };
}

describe('docker-compose.yml', () => {
  it('has kafka (apache/kafka 4.x), kafka-init and agentwatch, and the optional demo and observability services', () => {
    for (const name of ['kafka', 'kafka-init', 'agentwatch']) expect(services[name], name).toBeDefined();
    expect(services['kafka']!.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    expect(services['kafka-init']!.image).toBe(services['kafka']!.image);
    expect(services['demo-producer']?.profiles).toEqual(['demo']);
    expect(services['prometheus']?.profiles).toEqual(['observability']);
    expect(services['grafana']?.profiles).toEqual(['observability']);
    expect(commandText(services['agentwatch']!).split('\n')[0]).toBe('run');
  });

  it('sets only AGENTWATCH_* variables that src/config/env-overrides.ts knows or the code reads', () => {
    const known = new Set(ENV_OVERRIDES.map((o) => o.env));
    // A few are read where they are used (AGENTWATCH_STATE_DIR by the sink registry), not config overrides.
    for (const file of readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      for (const [, name] of read(join('src', file)).matchAll(/env\[['"](AGENTWATCH_[A-Z_]+)['"]\]/g)) known.add(name!);
    }
    const used = agentwatchServices.flatMap(([, s]) => Object.keys(env(s)).filter((k) => k.startsWith('AGENTWATCH_')));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(known.has(name), name).toBe(true);
  });

  it('gives agentwatch a valid configuration: the default topics, and brokers on the kafka service’s internal listener', () => {
    const brokers = [internalListener()];
    for (const [name, service] of agentwatchServices) {
      const { config } = loadConfig(undefined, env(service)); // throws on anything invalid
      expect(config.kafka.brokers, name).toEqual(brokers);
      expect(config.kafka.topics, name).toEqual(defaults.kafka.topics);
    }
    const { config } = loadConfig(undefined, env(services['agentwatch']!));
    expect(config.baselinesDir).toBe('/app/baselines');
    expect(services['agentwatch']!.volumes).toContain('./baselines:/app/baselines:ro');
  });

  it('runs agentwatch on a mounted, valid config that routes alerts to the topic and to the bundled Alertmanager', () => {
    const args = services['agentwatch']!.command as string[];
    const configPath = args[args.indexOf('--config') + 1];
    expect(configPath, '--config').toBeTruthy();
    const mount = (services['agentwatch']!.volumes ?? []).map((v) => v.split(':')).find(([, target]) => target === configPath);
    expect(mount, `a volume mounted at ${configPath}`).toBeDefined();
    expect(mount![2]).toBe('ro');
    const hostFile = join(ROOT, mount![0]!);
    expect(existsSync(hostFile), mount![0]).toBe(true);
    // Commented: a user opening it learns what to change, not just what is set.
    expect(
      read(mount![0]!)
        .split('\n')
        .filter((l) => l.trim().startsWith('#')).length,
    ).toBeGreaterThan(10);
    const { config } = loadConfig(hostFile, env(services['agentwatch']!));
    const sinks = config.alerts.sinks ?? [];
    expect(sinks.map((s) => s.type)).toContain('kafka');
    const am = sinks.find((s) => s.type === 'alertmanager') as { url: string } | undefined;
    expect(am, 'an alertmanager sink').toBeDefined();
    const url = new URL(am!.url);
    const target = services[url.hostname];
    expect(target, `service ${url.hostname}`).toBeDefined();
    expect(target!.image).toMatch(/^prom\/alertmanager:/);
    expect(target!.profiles, 'Alertmanager starts with a plain `docker compose up`').toBeUndefined();
    expect((target!.ports ?? []).map(String)).toContain(`${url.port}:${url.port}`);
    const deps = services['agentwatch']!.depends_on as Record<string, { condition?: string }>;
    expect(deps[url.hostname], 'agentwatch starts after Alertmanager').toBeDefined();
  });

  it('mounts only files that exist and volumes that are declared, and restarts what fails', () => {
    const declared = Object.keys((parse(read('docker-compose.yml')) as { volumes?: Record<string, unknown> }).volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.') || source.startsWith('/')) expect(existsSync(join(ROOT, source)), `${name}: ${volume}`).toBe(true);
        else expect(declared, `${name}: ${volume}`).toContain(source);
      }
      const restart = (service as { restart?: string }).restart;
      if (name !== 'kafka-init') expect(['unless-stopped', 'on-failure', 'always'], `${name} restart`).toContain(restart);
    }
  });

  it('gives the `node` user writable state: AGENTWATCH_STATE_DIR on a named volume the image creates owned by node', () => {
    const { final } = dockerfile();
    const user = [...final.matchAll(/^USER\s+(\S+)$/gm)].at(-1)?.[1];
    expect(user).toBe('node');
    const stateDir = env(services['agentwatch']!)['AGENTWATCH_STATE_DIR'];
    expect(stateDir, 'AGENTWATCH_STATE_DIR').toBeTruthy();
    const volume = (services['agentwatch']!.volumes ?? []).map((v) => v.split(':')).find(([, target]) => target === stateDir);
    expect(volume, `a volume at ${stateDir}`).toBeDefined();
    expect(volume![0]!.startsWith('.'), 'a named volume (a bind mount would be owned by the host user)').toBe(false);
    expect(volume![2], 'writable').toBeUndefined();
    // A new named volume copies the ownership of the image's folder: it must exist, owned by node.
    const escaped = stateDir!.replace(/[/.]/g, '\\$&');
    expect(final).toMatch(new RegExp(`^RUN .*mkdir -p [^\\n]*${escaped}[^\\n]*&& chown (-R )?node(:node)? [^\\n]*${escaped}`, 'm'));
    expect(final).toMatch(new RegExp(`^ENV AGENTWATCH_STATE_DIR=${escaped}$`, 'm'));
  });

  it('ships the baselines packs in the image', () => {
    const { final } = dockerfile();
    expect(final).toMatch(/^COPY baselines \.\/baselines$/m);
    for (const pack of ['aws', 'azure', 'kubernetes'])
      expect(
        readdirSync(join(ROOT, 'baselines/packs', pack)).some((f) => f.endsWith('.yaml')),
        pack,
      ).toBe(true);
  });

  it('starts agentwatch and the demo producer once kafka-init has created the topics', () => {
    for (const name of ['agentwatch', 'demo-producer']) {
      const deps = services[name]!.depends_on as Record<string, { condition?: string }>;
      expect(deps['kafka-init']?.condition, name).toBe('service_completed_successfully');
    }
    const initDeps = services['kafka-init']!.depends_on as Record<string, { condition?: string }>;
    expect(initDeps['kafka']?.condition).toBe('service_healthy');
  });

  it('kafka-init creates exactly the config’s default topics on the internal listener, the baselines changelog compacted', () => {
    const script = commandText(services['kafka-init']!);
    expect(script).toContain(`--bootstrap-server ${internalListener()}`);
    expect(script).toContain('/opt/kafka/bin/kafka-topics.sh');
    const creates = script.split('\n').filter((l) => l.includes('--create'));
    const created = creates.map((l) => /--topic\s+(\S+)/.exec(l)?.[1]);
    const topics = loadConfig(undefined, {}).config.kafka.topics;
    expect(new Set(created)).toEqual(new Set(Object.values(topics)));
    expect(created).toHaveLength(Object.values(topics).length);
    for (const line of creates) {
      expect(line).toContain('--if-not-exists');
      // Verdicts are read whole by every instance: one partition.
      expect(line).toContain(`--partitions ${line.includes(`--topic ${topics.feedback} `) ? 1 : defaults.kafka.partitions}`);
      expect(line).toContain(`--replication-factor ${defaults.kafka.replicationFactor}`);
      expect(line.includes('cleanup.policy=compact'), line).toBe(line.includes(`--topic ${topics.baselines} `) || line.includes(`--topic ${topics.feedback} `));
    }
  });

  it('the demo producer publishes the bundled demo fleet that the image contains', () => {
    const args = services['demo-producer']!.command as string[];
    expect(args[0]).toBe('produce');
    expect(existsSync(join(ROOT, args[1]!)), args[1]).toBe(true);
    expect(args).toContain('--rate');
    expect(dockerfile().final).toMatch(/^COPY fixtures\/demo \.\/fixtures\/demo$/m);
  });

  it('publishes the metrics port the Dockerfile EXPOSEs, which Prometheus scrapes', () => {
    const exposed = [...dockerfile().final.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
    expect(exposed).toContain('9464');
    const ports = (services['agentwatch']!.ports ?? []).map(String);
    for (const port of exposed)
      expect(
        ports.some((p) => p.endsWith(`:${port}`)),
        `agentwatch publishes ${port}`,
      ).toBe(true);
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toContain('agentwatch:9464');
    const volumes = services['prometheus']!.volumes ?? [];
    expect(volumes.some((v) => v.startsWith('./deploy/prometheus/prometheus.yml:'))).toBe(true);
  });

  it('provisions Grafana with the compose Prometheus and a dashboards folder', () => {
    const ds = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string; url: string }[] };
    expect(ds.datasources).toContainEqual(expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }));
    const dashboards = parse(read('deploy/grafana/provisioning/dashboards/agentwatch.yml')) as { providers: { options: { path: string } }[] };
    const path = dashboards.providers[0]!.options.path;
    expect(services['grafana']!.volumes).toContain(`./deploy/grafana/dashboards:${path}:ro`);
    expect(existsSync(join(ROOT, 'deploy/grafana/dashboards'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim in two stages and runs bin/agentwatch.js as a non-root user, `run` by default', () => {
    const { text, final } = dockerfile();
    expect(text.match(/^FROM node:20-bookworm-slim AS \w+$/gm)).toHaveLength(2);
    expect(final).toMatch(/^ENTRYPOINT \["node", ?"bin\/agentwatch\.js"\]$/m);
    expect(final).toMatch(/^CMD \["run"\]$/m);
    expect(existsSync(join(ROOT, 'bin/agentwatch.js'))).toBe(true);
    const user = [...final.matchAll(/^USER\s+(\S+)$/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final).toMatch(/npm ci --omit=dev/); // production dependencies only
    expect(final).toMatch(/^COPY --from=\w+ \/src\/dist \.\/dist$/m);
  });

  it('copies only what .dockerignore lets into the build context', () => {
    const { text } = dockerfile();
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = [...text.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      // Docker applies the lines in order, the last match winning; `!path` lets a path back in.
      const parts = source.split('/');
      const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      let excluded = false;
      for (const line of ignored) {
        const negated = line.startsWith('!');
        const pattern = negated ? line.slice(1) : line;
        if (prefixes.includes(pattern)) excluded = !negated;
      }
      expect(excluded, `${source} is excluded by .dockerignore`).toBe(false);
    }
  });

  it('needs nothing at run time beyond the production dependencies it installs', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const builtins = new Set(builtinModules);
    for (const file of files) {
      for (const [, spec] of read(join('src', file)).matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'/gm)) {
        if (spec!.startsWith('node:') || builtins.has(spec!)) continue;
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        expect(pkg.dependencies, `src/${file} imports ${spec}`).toHaveProperty([name]);
      }
    }
  });
});
