import { describe, expect, it } from 'vitest';
import { CLOUD_REGIONS, lookupRegion, type CloudRegion } from '../../../src/core/geo/cloud-regions.js';
import { COUNTRY_CENTROIDS, lookupCountry } from '../../../src/core/geo/country-centroids.js';
import { haversineKm } from '../../../src/core/geo/distance.js';
import { isPrivateIp, networkKey } from '../../../src/core/geo/ip-network.js';

function region(name: string): CloudRegion {
  const r = lookupRegion(name);
  if (!r) throw new Error(`no region ${name}`);
  return r;
}

/** All 249 officially assigned ISO 3166-1 alpha-2 codes. */
const ISO_3166_1 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE
GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR
KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/);

describe('haversineKm', () => {
  it('matches known great-circle distances', () => {
    // London Heathrow ↔ New York JFK is 5,540 km on the great circle.
    expect(haversineKm({ lat: 51.47, lon: -0.4543 }, { lat: 40.6413, lon: -73.7781 })).toBeCloseTo(5540, -1.5);
    expect(haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 6);
    expect(haversineKm({ lat: 90, lon: 0 }, { lat: -90, lon: 0 })).toBeCloseTo(Math.PI * 6371.0088, 6);
    expect(haversineKm({ lat: 10, lon: 179.9 }, { lat: 10, lon: -179.9 })).toBeLessThan(25); // across the antimeridian
  });

  it('is symmetric and zero for the same point', () => {
    const a = region('us-east-1');
    const b = region('ap-southeast-2');
    expect(haversineKm(a, a)).toBe(0);
    expect(haversineKm(a, b)).toBeCloseTo(haversineKm(b, a), 9);
  });

  it('gives plausible distances between cloud regions', () => {
    const km = (x: string, y: string) => haversineKm(region(x), region(y));
    expect(km('us-east-1', 'eu-west-1')).toBeGreaterThan(5400);
    expect(km('us-east-1', 'eu-west-1')).toBeLessThan(5600);
    expect(km('westeurope', 'brazilsouth')).toBeGreaterThan(9700);
    expect(km('westeurope', 'brazilsouth')).toBeLessThan(9900);
    expect(km('us-east-1', 'us-east4')).toBe(0); // both Ashburn
    expect(km('eu-central-1', 'germanywestcentral')).toBe(0);
    expect(km('us-west-2', 'us-west1')).toBeLessThan(250); // Oregon, different providers
    expect(km('ap-northeast-1', 'ap-southeast-2')).toBeGreaterThan(7700);
    expect(km('ap-northeast-1', 'ap-southeast-2')).toBeLessThan(7900);
  });
});

describe('cloud regions', () => {
  it('covers the three providers with unique, well-formed entries', () => {
    const counts = { aws: 0, azure: 0, gcp: 0 };
    for (const [name, r] of CLOUD_REGIONS) {
      counts[r.provider]++;
      expect(name).toBe(name.toLowerCase());
      expect(ISO_3166_1, name).toContain(r.country);
      expect(Math.abs(r.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(r.lon)).toBeLessThanOrEqual(180);
      // The region's point is near its country's centre: catches swapped or sign-flipped coordinates.
      const centre = COUNTRY_CENTROIDS.get(r.country);
      expect(centre, name).toBeDefined();
      const maxKm = r.country === 'US' || r.country === 'CA' ? 2800 : 1000;
      if (centre) expect(haversineKm(r, centre), name).toBeLessThan(maxKm);
    }
    expect(counts.aws).toBeGreaterThanOrEqual(36);
    expect(counts.azure).toBeGreaterThanOrEqual(60);
    expect(counts.gcp).toBeGreaterThanOrEqual(40);
  });

  it('knows the well-known regions of each provider', () => {
    expect(lookupRegion('us-east-1')).toMatchObject({ provider: 'aws', country: 'US' });
    expect(lookupRegion('eu-west-1')).toMatchObject({ provider: 'aws', country: 'IE' });
    expect(lookupRegion('ap-southeast-2')).toMatchObject({ provider: 'aws', country: 'AU' });
    expect(lookupRegion('us-gov-west-1')).toMatchObject({ provider: 'aws', country: 'US' });
    expect(lookupRegion('cn-north-1')).toMatchObject({ provider: 'aws', country: 'CN' });
    expect(lookupRegion('eastus')).toMatchObject({ provider: 'azure', country: 'US' });
    expect(lookupRegion('uksouth')).toMatchObject({ provider: 'azure', country: 'GB' });
    expect(lookupRegion('germanywestcentral')).toMatchObject({ provider: 'azure', country: 'DE' });
    expect(lookupRegion('brazilsouth')).toMatchObject({ provider: 'azure', country: 'BR' });
    expect(lookupRegion('centralindia')).toMatchObject({ provider: 'azure', country: 'IN' });
    expect(lookupRegion('us-central1')).toMatchObject({ provider: 'gcp', country: 'US' });
    expect(lookupRegion('europe-west1')).toMatchObject({ provider: 'gcp', country: 'BE' });
    expect(lookupRegion('asia-northeast1')).toMatchObject({ provider: 'gcp', country: 'JP' });
  });

  it('looks names up case-insensitively, including Azure display names and zone names', () => {
    expect(lookupRegion('US-EAST-1')).toBe(CLOUD_REGIONS.get('us-east-1'));
    expect(lookupRegion(' eu-west-1 ')).toBe(CLOUD_REGIONS.get('eu-west-1'));
    expect(lookupRegion('West Europe')).toBe(CLOUD_REGIONS.get('westeurope'));
    expect(lookupRegion('East US 2')).toBe(CLOUD_REGIONS.get('eastus2'));
    expect(lookupRegion('Germany West Central')).toBe(CLOUD_REGIONS.get('germanywestcentral'));
    expect(lookupRegion('(Europe) North Europe')).toBe(CLOUD_REGIONS.get('northeurope'));
    expect(lookupRegion('Central US EUAP')).toBe(CLOUD_REGIONS.get('centraluseuap'));
    expect(lookupRegion('Australia Central 2')).toBe(CLOUD_REGIONS.get('australiacentral2'));
    expect(lookupRegion('us-east-1a')).toBe(CLOUD_REGIONS.get('us-east-1'));
    expect(lookupRegion('europe-west1-b')).toBe(CLOUD_REGIONS.get('europe-west1'));
  });

  it('returns undefined for unknown or garbage names without throwing', () => {
    for (const name of ['', ' ', 'us-east-9', 'moon-base-1', 'westeurope2', 'a', '-', '1a', '()', '(x', 'x'.repeat(10_000)]) {
      expect(lookupRegion(name), JSON.stringify(name.slice(0, 20))).toBeUndefined();
    }
    expect(lookupRegion(undefined as unknown as string)).toBeUndefined();
    expect(lookupRegion(42 as unknown as string)).toBeUndefined();
  });
});

describe('country centroids', () => {
  it('covers every ISO 3166-1 alpha-2 code (plus XK)', () => {
    expect(ISO_3166_1).toHaveLength(249);
    for (const code of ISO_3166_1) expect(COUNTRY_CENTROIDS.has(code), code).toBe(true);
    expect(COUNTRY_CENTROIDS.has('XK')).toBe(true);
    expect(COUNTRY_CENTROIDS.size).toBe(250);
    for (const [code, c] of COUNTRY_CENTROIDS) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(Math.abs(c.lat), code).toBeLessThanOrEqual(90);
      expect(Math.abs(c.lon), code).toBeLessThanOrEqual(180);
    }
  });

  it('places large countries where they are', () => {
    const near = (code: string, lat: number, lon: number, km: number) => {
      const c = lookupCountry(code);
      expect(c, code).toBeDefined();
      if (c) expect(haversineKm(c, { lat, lon }), code).toBeLessThan(km);
    };
    near('US', 38, -95, 600);
    near('BR', -15.8, -47.9, 600); // around Brasília
    near('NG', 9.08, 7.4, 300); // around Abuja
    near('DE', 51, 10, 150);
    near('JP', 36, 138, 250);
  });

  it('is case-insensitive and returns undefined for unknown codes', () => {
    expect(lookupCountry('de')).toBe(COUNTRY_CENTROIDS.get('DE'));
    expect(lookupCountry(' Jp ')).toBe(COUNTRY_CENTROIDS.get('JP'));
    for (const code of ['', 'ZZ', 'EU', 'A1', 'USA', '12', 'x'.repeat(1000)]) expect(lookupCountry(code)).toBeUndefined();
    expect(lookupCountry(null as unknown as string)).toBeUndefined();
  });
});

describe('isPrivateIp', () => {
  it('recognises private, loopback, link-local and CGNAT IPv4', () => {
    for (const ip of [
      '10.0.0.1',
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
    ]) {
      expect(isPrivateIp(ip), ip).toBe(true);
    }
  });

  it('treats public IPv4 as public, including the edges of the private ranges', () => {
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '203.0.113.7',
      '172.15.255.255',
      '172.32.0.0',
      '192.167.1.1',
      '100.63.255.255',
      '100.128.0.0',
      '169.253.0.1',
      '11.0.0.1',
    ]) {
      expect(isPrivateIp(ip), ip).toBe(false);
    }
  });

  it('classifies IPv6, including mapped IPv4, brackets and zone indices', () => {
    for (const ip of [
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      'fc00::1',
      'fd12:3456:789a:1::1',
      'FE80::1',
      'fe80::1%eth0',
      'febf::1',
      '::ffff:10.1.2.3',
      '::FFFF:192.168.0.1',
      '::ffff:a01:203',
      '::ffff:127.0.0.1',
    ]) {
      expect(isPrivateIp(ip), ip).toBe(true);
    }
    for (const ip of ['2001:db8::1', '2606:4700:4700::1111', 'fec0::1', 'fbff::1', '::', '::2', '::ffff:8.8.8.8', '64:ff9b::a00:1']) {
      expect(isPrivateIp(ip), ip).toBe(false);
    }
  });

  it('returns false for garbage without throwing', () => {
    const garbage = [
      '',
      ' ',
      'localhost',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.-4',
      '1..2.3',
      '10.0.0.1/8',
      '10.0.0.1:443',
      ':::',
      '1:::2',
      '::1::',
      '1::2::3',
      ':1',
      '1:',
      '12345::',
      'g::1',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7::8',
      '::ffff:10.0.0',
      '1.2.3.4::',
      '[::1',
      ':'.repeat(5000),
      '1'.repeat(5000),
    ];
    for (const ip of garbage) {
      expect(isPrivateIp(ip), ip.slice(0, 20)).toBe(false);
      expect(networkKey(ip), ip.slice(0, 20)).toBeUndefined();
    }
    expect(isPrivateIp(undefined as unknown as string)).toBe(false);
    expect(networkKey({} as unknown as string)).toBeUndefined();
  });
});

describe('networkKey', () => {
  it('keys public IPv4 by /24 and private IPv4 by /16', () => {
    expect(networkKey('203.0.113.7')).toBe('203.0.113.0/24');
    expect(networkKey('203.0.113.200')).toBe(networkKey('203.0.113.7'));
    expect(networkKey('203.0.114.7')).not.toBe(networkKey('203.0.113.7'));
    expect(networkKey('10.42.3.17')).toBe('10.42.0.0/16');
    expect(networkKey('10.42.250.4')).toBe(networkKey('10.42.3.17')); // pods on different nodes of one cluster
    expect(networkKey('10.43.0.1')).not.toBe(networkKey('10.42.3.17'));
    expect(networkKey('100.70.1.2')).toBe('100.70.0.0/16');
    expect(networkKey(' 8.8.8.8 ')).toBe('8.8.8.0/24');
  });

  it('gives IPv4-mapped IPv6 the key of the IPv4 address', () => {
    expect(networkKey('::ffff:203.0.113.9')).toBe('203.0.113.0/24');
    expect(networkKey('::ffff:cb00:7109')).toBe('203.0.113.0/24');
    expect(networkKey('::ffff:10.42.1.1')).toBe('10.42.0.0/16');
  });

  it('keys IPv6 by /48, link-local and loopback as one network each', () => {
    expect(networkKey('2001:db8:1234:5678::1')).toBe('2001:db8:1234::/48');
    expect(networkKey('2001:0DB8:1234:ffff:1:2:3:4')).toBe('2001:db8:1234::/48');
    expect(networkKey('2001:db8::1')).toBe('2001:db8::/48');
    expect(networkKey('2001:db8:1235::1')).not.toBe(networkKey('2001:db8:1234::1'));
    expect(networkKey('2a00:1450:4009:81f::200e')).toBe('2a00:1450:4009::/48');
    expect(networkKey('fd12:3456:789a:1::1')).toBe('fd12:3456:789a::/48');
    expect(networkKey('fd12:3456:789a:2::99')).toBe(networkKey('fd12:3456:789a:1::1')); // another node's /64
    expect(networkKey('fe80::1%eth0')).toBe('fe80::/10');
    expect(networkKey('fe80::abcd:1234')).toBe('fe80::/10');
    expect(networkKey('::1')).toBe('::1/128');
    expect(networkKey('[2001:db8:1:2::3]')).toBe('2001:db8:1::/48');
    expect(networkKey('1:2:3:4:5:6:7::')).toBe('1:2:3::/48');
    expect(networkKey('::')).toBe('::/48');
  });
});
