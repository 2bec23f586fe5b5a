import type { Rng } from './prng.js';

/**
 * Cloud regions with a couple of public /16 prefixes each. The prefixes sit inside the real
 * provider ranges for the region, so an analyst eyeballing the fixture sees plausible addresses.
 */
export interface Region {
  name: string;
  country: string;
  prefixes: readonly string[];
}

const REGIONS: readonly Region[] = [
  { name: 'us-east-1', country: 'US', prefixes: ['3.208', '52.23', '54.144'] },
  { name: 'us-west-2', country: 'US', prefixes: ['34.210', '44.230', '52.36'] },
  { name: 'eu-west-1', country: 'IE', prefixes: ['34.240', '52.48', '54.72'] },
  { name: 'eu-central-1', country: 'DE', prefixes: ['3.120', '18.184', '52.57'] },
  { name: 'ap-northeast-1', country: 'JP', prefixes: ['13.112', '52.68', '54.95'] },
  { name: 'ap-southeast-2', country: 'AU', prefixes: ['3.104', '13.54', '52.62'] },
  { name: 'eastus', country: 'US', prefixes: ['20.42', '40.76', '52.170'] },
  { name: 'westeurope', country: 'NL', prefixes: ['20.50', '40.68', '51.105'] },
  { name: 'northeurope', country: 'IE', prefixes: ['20.54', '40.69', '52.164'] },
  { name: 'uksouth', country: 'GB', prefixes: ['20.68', '51.104', '51.140'] },
  { name: 'ukwest', country: 'GB', prefixes: ['20.90', '51.137'] },
  { name: 'germanywestcentral', country: 'DE', prefixes: ['20.79', '51.116'] },
  { name: 'japaneast', country: 'JP', prefixes: ['20.78', '40.81'] },
  { name: 'australiaeast', country: 'AU', prefixes: ['20.53', '40.79'] },
];

/**
 * Where a stolen credential gets used from: far cloud regions (attackers rent VPSs) and
 * consumer ISP space in countries none of the fleet operates in.
 */
const FOREIGN: readonly Region[] = [
  { name: 'ap-southeast-1', country: 'SG', prefixes: ['13.228', '18.136'] },
  { name: 'sa-east-1', country: 'BR', prefixes: ['18.228', '54.207'] },
  { name: 'af-south-1', country: 'ZA', prefixes: ['13.244', '13.245'] },
  { name: 'brazilsouth', country: 'BR', prefixes: ['191.232', '191.234'] },
  { name: 'southeastasia', country: 'SG', prefixes: ['20.195', '52.187'] },
  { name: 'unknown', country: 'RU', prefixes: ['95.165', '178.176'] },
  { name: 'unknown', country: 'VN', prefixes: ['113.161', '171.244'] },
  { name: 'unknown', country: 'NG', prefixes: ['102.89', '105.112'] },
];

const byName = new Map(REGIONS.map((r) => [r.name, r]));

export function region(name: string): Region {
  const r = byName.get(name);
  if (!r) throw new RangeError(`unknown region ${name}`);
  return r;
}

export function publicIp(rng: Rng, r: Region): string {
  return `${rng.pick(r.prefixes)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Kubernetes audit logs show pod IPs, which change on every restart or rollout. */
export function podIp(rng: Rng, podCidrThirdOctet: number): string {
  return `10.42.${podCidrThirdOctet + rng.int(0, 3)}.${rng.int(2, 254)}`;
}

export function foreignLocation(rng: Rng, homeCountries: ReadonlySet<string>): Region {
  const options = FOREIGN.filter((f) => !homeCountries.has(f.country));
  return rng.pick(options.length ? options : FOREIGN);
}

/** A source address as it appears in the event, pre-serialized once and shared by many events. */
export interface SourceLoc {
  ip: string;
  region: string;
  country: string;
  json: string;
}

export function sourceLoc(ip: string, regionName: string, country: string): SourceLoc {
  return { ip, region: regionName, country, json: JSON.stringify({ ip, region: regionName, country }) };
}
