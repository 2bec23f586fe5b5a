import type { LatLon } from './distance.js';

export type CloudProvider = 'aws' | 'azure' | 'gcp';

export interface CloudRegion extends LatLon {
  readonly provider: CloudProvider;
  readonly lat: number;
  readonly lon: number;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
}

/**
 * Public cloud regions with the approximate centre of the metro area that hosts them (providers do
 * not publish data-centre sites; a region's zones can be 100+ km apart, so treat a point as ±100 km).
 * Names are exactly as they appear in logs and APIs, lower case. Includes sovereign / government
 * partitions (AWS GovCloud and China, the AWS European Sovereign Cloud, Azure Government and Azure
 * China) and Azure's restricted-access regions, since all of them show up in real logs. Excludes AWS
 * Local/Wavelength Zones, classified regions, Azure logical "stage" regions and GCP private regions.
 */
type Row = readonly [name: string, lat: number, lon: number, country: string];

const AWS: readonly Row[] = [
  ['us-east-1', 39.04, -77.49, 'US'], // N. Virginia (Ashburn)
  ['us-east-2', 39.96, -83.0, 'US'], // Ohio (Columbus)
  ['us-west-1', 37.34, -121.89, 'US'], // N. California (San José)
  ['us-west-2', 45.84, -119.7, 'US'], // Oregon (Boardman)
  ['af-south-1', -33.92, 18.42, 'ZA'], // Cape Town
  ['ap-east-1', 22.32, 114.17, 'HK'], // Hong Kong
  ['ap-east-2', 25.03, 121.57, 'TW'], // Taipei
  ['ap-south-1', 19.08, 72.88, 'IN'], // Mumbai
  ['ap-south-2', 17.39, 78.49, 'IN'], // Hyderabad
  ['ap-southeast-1', 1.35, 103.82, 'SG'], // Singapore
  ['ap-southeast-2', -33.87, 151.21, 'AU'], // Sydney
  ['ap-southeast-3', -6.21, 106.85, 'ID'], // Jakarta
  ['ap-southeast-4', -37.81, 144.96, 'AU'], // Melbourne
  ['ap-southeast-5', 3.14, 101.69, 'MY'], // Malaysia (Kuala Lumpur)
  ['ap-southeast-6', -36.85, 174.76, 'NZ'], // New Zealand (Auckland)
  ['ap-southeast-7', 13.76, 100.5, 'TH'], // Thailand (Bangkok)
  ['ap-northeast-1', 35.68, 139.69, 'JP'], // Tokyo
  ['ap-northeast-2', 37.57, 126.98, 'KR'], // Seoul
  ['ap-northeast-3', 34.69, 135.5, 'JP'], // Osaka
  ['ca-central-1', 45.5, -73.57, 'CA'], // Canada Central (Montréal)
  ['ca-west-1', 51.05, -114.07, 'CA'], // Calgary
  ['eu-central-1', 50.11, 8.68, 'DE'], // Frankfurt
  ['eu-central-2', 47.38, 8.54, 'CH'], // Zurich
  ['eu-west-1', 53.35, -6.26, 'IE'], // Ireland (Dublin)
  ['eu-west-2', 51.51, -0.13, 'GB'], // London
  ['eu-west-3', 48.86, 2.35, 'FR'], // Paris
  ['eu-south-1', 45.46, 9.19, 'IT'], // Milan
  ['eu-south-2', 41.65, -0.88, 'ES'], // Spain (Aragón, Zaragoza)
  ['eu-north-1', 59.33, 18.07, 'SE'], // Stockholm
  ['eusc-de-east-1', 52.39, 13.06, 'DE'], // European Sovereign Cloud (Brandenburg, Potsdam)
  ['il-central-1', 32.08, 34.78, 'IL'], // Tel Aviv
  ['me-south-1', 26.07, 50.56, 'BH'], // Bahrain
  ['me-central-1', 25.2, 55.27, 'AE'], // UAE (Dubai)
  ['mx-central-1', 20.59, -100.39, 'MX'], // Mexico (Querétaro)
  ['sa-east-1', -23.55, -46.63, 'BR'], // São Paulo
  ['us-gov-east-1', 39.96, -83.0, 'US'], // GovCloud US-East (Ohio)
  ['us-gov-west-1', 45.52, -122.68, 'US'], // GovCloud US-West (Oregon)
  ['cn-north-1', 39.9, 116.41, 'CN'], // Beijing
  ['cn-northwest-1', 37.5, 105.19, 'CN'], // Ningxia (Zhongwei)
];

const AZURE: readonly Row[] = [
  ['eastus', 37.37, -79.82, 'US'], // Virginia
  ['eastus2', 36.67, -78.39, 'US'], // Virginia (Boydton)
  ['centralus', 41.59, -93.62, 'US'], // Iowa (Des Moines)
  ['northcentralus', 41.88, -87.63, 'US'], // Illinois (Chicago)
  ['southcentralus', 29.42, -98.49, 'US'], // Texas (San Antonio)
  ['westcentralus', 41.14, -104.82, 'US'], // Wyoming (Cheyenne)
  ['westus', 37.78, -122.42, 'US'], // California (San Francisco Bay)
  ['westus2', 47.23, -119.85, 'US'], // Washington (Quincy)
  ['westus3', 33.45, -112.07, 'US'], // Arizona (Phoenix)
  ['centraluseuap', 41.59, -93.62, 'US'], // early-access ring, Iowa
  ['eastus2euap', 36.67, -78.39, 'US'], // early-access ring, Virginia
  ['canadacentral', 43.65, -79.38, 'CA'], // Toronto
  ['canadaeast', 46.81, -71.21, 'CA'], // Québec City
  ['brazilsouth', -23.55, -46.63, 'BR'], // São Paulo
  ['brazilsoutheast', -22.91, -43.17, 'BR'], // Rio de Janeiro
  ['mexicocentral', 20.59, -100.39, 'MX'], // Querétaro
  ['chilecentral', -33.45, -70.67, 'CL'], // Santiago
  ['northeurope', 53.35, -6.26, 'IE'], // Dublin
  ['westeurope', 52.37, 4.9, 'NL'], // Amsterdam
  ['uksouth', 51.51, -0.13, 'GB'], // London
  ['ukwest', 51.48, -3.18, 'GB'], // Cardiff
  ['francecentral', 48.86, 2.35, 'FR'], // Paris
  ['francesouth', 43.3, 5.37, 'FR'], // Marseille
  ['germanywestcentral', 50.11, 8.68, 'DE'], // Frankfurt
  ['germanynorth', 52.52, 13.4, 'DE'], // Berlin
  ['switzerlandnorth', 47.38, 8.54, 'CH'], // Zurich
  ['switzerlandwest', 46.2, 6.14, 'CH'], // Geneva
  ['norwayeast', 59.91, 10.75, 'NO'], // Oslo
  ['norwaywest', 58.97, 5.73, 'NO'], // Stavanger
  ['swedencentral', 60.67, 17.14, 'SE'], // Gävle
  ['swedensouth', 55.6, 13.0, 'SE'], // Malmö
  ['polandcentral', 52.23, 21.01, 'PL'], // Warsaw
  ['italynorth', 45.46, 9.19, 'IT'], // Milan
  ['spaincentral', 40.42, -3.7, 'ES'], // Madrid
  ['austriaeast', 48.21, 16.37, 'AT'], // Vienna
  ['belgiumcentral', 50.85, 4.35, 'BE'], // Brussels
  ['denmarkeast', 55.68, 12.57, 'DK'], // Copenhagen
  ['uaenorth', 25.2, 55.27, 'AE'], // Dubai
  ['uaecentral', 24.45, 54.38, 'AE'], // Abu Dhabi
  ['qatarcentral', 25.29, 51.53, 'QA'], // Doha
  ['israelcentral', 32.08, 34.78, 'IL'], // Tel Aviv
  ['southafricanorth', -26.2, 28.05, 'ZA'], // Johannesburg
  ['southafricawest', -33.92, 18.42, 'ZA'], // Cape Town
  ['eastasia', 22.32, 114.17, 'HK'], // Hong Kong
  ['southeastasia', 1.35, 103.82, 'SG'], // Singapore
  ['japaneast', 35.68, 139.69, 'JP'], // Tokyo
  ['japanwest', 34.69, 135.5, 'JP'], // Osaka
  ['koreacentral', 37.57, 126.98, 'KR'], // Seoul
  ['koreasouth', 35.18, 129.08, 'KR'], // Busan
  ['centralindia', 18.52, 73.86, 'IN'], // Pune
  ['southindia', 13.08, 80.27, 'IN'], // Chennai
  ['westindia', 19.08, 72.88, 'IN'], // Mumbai
  ['jioindiawest', 22.47, 70.06, 'IN'], // Jamnagar
  ['jioindiacentral', 21.15, 79.09, 'IN'], // Nagpur
  ['indonesiacentral', -6.21, 106.85, 'ID'], // Jakarta
  ['malaysiawest', 3.14, 101.69, 'MY'], // Kuala Lumpur
  ['taiwannorth', 25.03, 121.57, 'TW'], // Taipei
  ['taiwannorthwest', 24.99, 121.3, 'TW'], // Taoyuan
  ['newzealandnorth', -36.85, 174.76, 'NZ'], // Auckland
  ['australiaeast', -33.87, 151.21, 'AU'], // Sydney
  ['australiasoutheast', -37.81, 144.96, 'AU'], // Melbourne
  ['australiacentral', -35.28, 149.13, 'AU'], // Canberra
  ['australiacentral2', -35.28, 149.13, 'AU'], // Canberra
  ['usgovvirginia', 37.37, -79.82, 'US'], // Azure Government
  ['usgovarizona', 33.45, -112.07, 'US'], // Azure Government
  ['usgovtexas', 29.42, -98.49, 'US'], // Azure Government
  ['usdodeast', 36.67, -78.39, 'US'], // Azure Government (DoD)
  ['usdodcentral', 41.59, -93.62, 'US'], // Azure Government (DoD)
  ['chinaeast', 31.23, 121.47, 'CN'], // Azure China, Shanghai
  ['chinaeast2', 31.23, 121.47, 'CN'], // Azure China, Shanghai
  ['chinaeast3', 31.23, 121.47, 'CN'], // Azure China, Shanghai
  ['chinanorth', 39.9, 116.41, 'CN'], // Azure China, Beijing
  ['chinanorth2', 39.9, 116.41, 'CN'], // Azure China, Beijing
  ['chinanorth3', 40.77, 114.88, 'CN'], // Azure China, Hebei (Zhangjiakou)
];

const GCP: readonly Row[] = [
  ['us-central1', 41.26, -95.86, 'US'], // Council Bluffs, Iowa
  ['us-east1', 33.2, -80.01, 'US'], // Moncks Corner, South Carolina
  ['us-east4', 39.04, -77.49, 'US'], // Ashburn, Virginia
  ['us-east5', 39.96, -83.0, 'US'], // Columbus, Ohio
  ['us-south1', 32.78, -96.8, 'US'], // Dallas
  ['us-west1', 45.6, -121.18, 'US'], // The Dalles, Oregon
  ['us-west2', 34.05, -118.24, 'US'], // Los Angeles
  ['us-west3', 40.76, -111.89, 'US'], // Salt Lake City
  ['us-west4', 36.17, -115.14, 'US'], // Las Vegas
  ['northamerica-northeast1', 45.5, -73.57, 'CA'], // Montréal
  ['northamerica-northeast2', 43.65, -79.38, 'CA'], // Toronto
  ['northamerica-south1', 20.59, -100.39, 'MX'], // Querétaro
  ['southamerica-east1', -23.53, -46.79, 'BR'], // Osasco (São Paulo)
  ['southamerica-west1', -33.45, -70.67, 'CL'], // Santiago
  ['europe-central2', 52.23, 21.01, 'PL'], // Warsaw
  ['europe-north1', 60.57, 27.2, 'FI'], // Hamina
  ['europe-north2', 59.33, 18.07, 'SE'], // Stockholm
  ['europe-southwest1', 40.42, -3.7, 'ES'], // Madrid
  ['europe-west1', 50.45, 3.82, 'BE'], // St. Ghislain
  ['europe-west2', 51.51, -0.13, 'GB'], // London
  ['europe-west3', 50.11, 8.68, 'DE'], // Frankfurt
  ['europe-west4', 53.44, 6.83, 'NL'], // Eemshaven
  ['europe-west6', 47.38, 8.54, 'CH'], // Zurich
  ['europe-west8', 45.46, 9.19, 'IT'], // Milan
  ['europe-west9', 48.86, 2.35, 'FR'], // Paris
  ['europe-west10', 52.52, 13.4, 'DE'], // Berlin
  ['europe-west12', 45.07, 7.69, 'IT'], // Turin
  ['me-central1', 25.29, 51.53, 'QA'], // Doha
  ['me-central2', 26.43, 50.1, 'SA'], // Dammam
  ['me-west1', 32.08, 34.78, 'IL'], // Tel Aviv
  ['africa-south1', -26.2, 28.05, 'ZA'], // Johannesburg
  ['asia-east1', 24.07, 120.54, 'TW'], // Changhua County
  ['asia-east2', 22.32, 114.17, 'HK'], // Hong Kong
  ['asia-northeast1', 35.68, 139.69, 'JP'], // Tokyo
  ['asia-northeast2', 34.69, 135.5, 'JP'], // Osaka
  ['asia-northeast3', 37.57, 126.98, 'KR'], // Seoul
  ['asia-south1', 19.08, 72.88, 'IN'], // Mumbai
  ['asia-south2', 28.61, 77.21, 'IN'], // Delhi
  ['asia-southeast1', 1.34, 103.71, 'SG'], // Jurong West
  ['asia-southeast2', -6.21, 106.85, 'ID'], // Jakarta
  ['asia-southeast3', 13.76, 100.5, 'TH'], // Bangkok
  ['australia-southeast1', -33.87, 151.21, 'AU'], // Sydney
  ['australia-southeast2', -37.81, 144.96, 'AU'], // Melbourne
];

function build(): Map<string, CloudRegion> {
  const out = new Map<string, CloudRegion>();
  const tables = [
    ['aws', AWS],
    ['azure', AZURE],
    ['gcp', GCP],
  ] as const;
  for (const [provider, rows] of tables) {
    for (const [name, lat, lon, country] of rows) out.set(name, Object.freeze({ provider, lat, lon, country }));
  }
  return out;
}

export const CLOUD_REGIONS: ReadonlyMap<string, CloudRegion> = build();

/** Longest real name is 23 characters; anything far longer is not a region and is not normalised. */
const MAX_NAME_LENGTH = 64;

function isLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Case-insensitive region lookup, tolerant of the spellings found in logs:
 * - Azure display names, with or without the portal's geography prefix: "West Europe", "East US 2",
 *   "(Europe) West Europe", "Central US EUAP";
 * - zone names: AWS availability zones ("us-east-1a") and GCP zones ("europe-west1-b").
 */
export function lookupRegion(name: string): CloudRegion | undefined {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) return undefined;
  let key = name.trim().toLowerCase();
  const exact = CLOUD_REGIONS.get(key);
  if (exact) return exact;
  if (key.startsWith('(')) {
    const close = key.indexOf(')');
    if (close > 0) key = key.slice(close + 1);
  }
  key = key.replace(/[\s_]+/g, '');
  const compact = CLOUD_REGIONS.get(key);
  if (compact) return compact;
  const n = key.length;
  if (n < 3 || !isLetter(key.charCodeAt(n - 1))) return undefined;
  const before = key.charCodeAt(n - 2);
  if (isDigit(before)) return CLOUD_REGIONS.get(key.slice(0, -1)); // AWS zone: us-east-1a
  if (before === 45 /* - */ && isDigit(key.charCodeAt(n - 3))) return CLOUD_REGIONS.get(key.slice(0, -2)); // GCP zone: us-central1-a
  return undefined;
}
