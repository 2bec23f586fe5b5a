import type { EventSource } from '../events/audit-event.js';
import { lookupRegion } from '../geo/cloud-regions.js';
import { lookupCountry } from '../geo/country-centroids.js';
import type { LatLon } from '../geo/distance.js';
import { isPrivateIp, networkKey } from '../geo/ip-network.js';
import { SeenSet, type SeenSetSnapshot } from '../baselines/seen-set.js';

export const LocationKind = { Country: 'country', Region: 'region', Network: 'network' } as const;
export type LocationKind = (typeof LocationKind)[keyof typeof LocationKind];

/** Where an event came from, as the keys an agent learns: region, country, network. */
export interface Place {
  /** Every key below that is set. */
  keys: string[];
  countryKey?: string;
  regionKey?: string;
  /** Only when nothing names the place (no region, no country). */
  networkKey?: string;
  privateNetwork: boolean;
  /** The region is a known public cloud region. */
  cloudRegion: boolean;
  coords?: LatLon;
  label: string;
}

export function placeOf(source: EventSource): Place | undefined {
  const region = source.region && source.region.toLowerCase() !== 'unknown' ? source.region.toLowerCase() : undefined;
  const country = source.country ? source.country.toUpperCase() : undefined;
  // The network matters only when nothing names the place (see LocationState.novelty): parse
  // the address only then.
  const network = !region && !country && source.ip ? networkKey(source.ip) : undefined;
  if (!region && !country && !network) return undefined;
  const countryKey = country && `c:${country}`;
  const regionKey = region && `r:${region}`;
  const netKey = network && `n:${network}`;
  const keys = [regionKey, countryKey, netKey].filter((k): k is string => Boolean(k));
  const cloud = region ? lookupRegion(region) : undefined;
  // Private and unknown addresses give no coordinates: they never make an impossible journey.
  const privateNetwork = !cloud && source.ip !== undefined && isPrivateIp(source.ip);
  let coords: LatLon | undefined;
  if (source.lat !== undefined && source.lon !== undefined) coords = { lat: source.lat, lon: source.lon };
  else if (cloud) coords = cloud;
  else if (country && !privateNetwork) coords = lookupCountry(country);
  const label = [region, country, source.ip].filter(Boolean).join(', ');
  return {
    keys,
    privateNetwork,
    cloudRegion: cloud !== undefined,
    label,
    ...(countryKey && { countryKey }),
    ...(regionKey && { regionKey }),
    ...(netKey && { networkKey: netKey }),
    ...(coords && { coords: { lat: coords.lat, lon: coords.lon } }),
  };
}

/** A location the agent has not used before, seen after learning, not yet judged. */
export interface PendingPlace {
  kind: LocationKind;
  key: string;
  label: string;
  firstMs: number;
  lastMs: number;
  fired: boolean;
  evidence: string[];
}

/** Where a machine-bound session was first used (see multi_location). */
export interface SessionHome {
  network: string;
  label: string;
  fired: boolean;
}

const MAX_SESSIONS = 64;

export interface LocationSnapshot {
  /** Machine-bound sessions and their home network. */
  sessions?: [session: string, home: SessionHome][];
  known: SeenSetSnapshot;
  lastKnownMs: number;
  lastKnownLabel: string;
  lastKnownCoords?: LatLon;
  pending?: PendingPlace;
}

/** The places an agent acts from (multi_location): learned keys, the last known place, a pending new one. */
export class LocationState {
  sessions: Map<string, SessionHome> | undefined;
  known: SeenSet;
  lastKnownMs = Number.NEGATIVE_INFINITY;
  lastKnownLabel = '';
  lastKnownCoords: LatLon | undefined;
  pending: PendingPlace | undefined;

  private lastSource: EventSource | undefined;
  private lastPlace: Place | undefined;
  private lastLearnedPlace: Place | undefined;
  private lastLearnedMs = Number.NEGATIVE_INFINITY;

  constructor(maxPlaces: number, forgetAfterMs: number) {
    this.known = new SeenSet(maxPlaces, forgetAfterMs);
  }

  /** placeOf, remembering the last answer: an agent mostly acts from the same place, and parsing an address per event is not free. */
  placeOf(source: EventSource): Place | undefined {
    const last = this.lastSource;
    // A named place (region or country) does not depend on the address: pools of egress
    // addresses and new pod IPs must not defeat the cache.
    const sameAddress = last !== undefined && (last.ip === source.ip || ((source.region || source.country) && source.lat === undefined));
    if (last && sameAddress && last.region === source.region && last.country === source.country && last.lat === source.lat && last.lon === source.lon)
      return this.lastPlace;
    this.lastSource = source;
    this.lastPlace = placeOf(source);
    return this.lastPlace;
  }

  /** The most significant key of a place that is new, or undefined when all of it is known. */
  novelty(place: Place, timeMs: number): { kind: LocationKind; key: string } | undefined {
    if (place.countryKey && !this.known.has(place.countryKey, timeMs)) return { kind: LocationKind.Country, key: place.countryKey };
    if (place.regionKey && !this.known.has(place.regionKey, timeMs)) return { kind: LocationKind.Region, key: place.regionKey };
    // A network is the signal only when nothing names the place (placeOf sets networkKey only
    // then): within a known region or country, services egress from pools of changing addresses.
    if (place.networkKey && !this.known.has(place.networkKey, timeMs)) return { kind: LocationKind.Network, key: place.networkKey };
    return undefined;
  }

  /** The same place was known a moment ago (the common case, answered without lookups). */
  isRecentlyKnown(place: Place, timeMs: number): boolean {
    return place === this.lastLearnedPlace && timeMs - this.lastLearnedMs < 60_000;
  }

  learn(place: Place, timeMs: number): void {
    for (const k of place.keys) this.known.touch(k, timeMs);
  }

  /** The pending place went quiet: reported or not, it is known from now on (one alert per place). */
  settlePending(timeMs: number): void {
    const p = this.pending;
    if (p === undefined) return;
    this.known.touch(p.key, timeMs);
    this.pending = undefined;
  }

  markKnownActivity(place: Place, timeMs: number): void {
    // Refreshing last-seen times once a minute is enough (forget-after is counted in days).
    if (place !== this.lastLearnedPlace || timeMs - this.lastLearnedMs >= 60_000) {
      this.learn(place, timeMs);
      this.lastLearnedPlace = place;
      this.lastLearnedMs = timeMs;
    }
    this.lastKnownMs = timeMs;
    this.lastKnownLabel = place.label;
    this.lastKnownCoords = place.coords;
  }

  /**
   * The home network of a machine-bound session: set by its first use (bounded, least recently
   * used sessions forgotten first: instances come and go).
   */
  /** A session already bound to a machine: its later calls are judged even when they do not say so. */
  hasSession(session: string): boolean {
    return this.sessions?.has(session) ?? false;
  }

  sessionHome(session: string, network: string, label: string): SessionHome {
    const sessions = (this.sessions ??= new Map());
    let home = sessions.get(session);
    if (home === undefined) home = { network, label, fired: false };
    else sessions.delete(session);
    sessions.set(session, home);
    if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    return home;
  }

  snapshot(): LocationSnapshot {
    return {
      ...(this.sessions?.size && { sessions: [...this.sessions].map(([id, h]) => [id, { ...h }] as [string, SessionHome]) }),
      known: this.known.snapshot(),
      lastKnownMs: Number.isFinite(this.lastKnownMs) ? this.lastKnownMs : -1,
      lastKnownLabel: this.lastKnownLabel,
      ...(this.lastKnownCoords && { lastKnownCoords: this.lastKnownCoords }),
      ...(this.pending && { pending: { ...this.pending, evidence: this.pending.evidence.slice() } }),
    };
  }

  static restore(s: LocationSnapshot, maxPlaces: number, forgetAfterMs: number): LocationState {
    const l = new LocationState(maxPlaces, forgetAfterMs);
    l.known = SeenSet.restore(s.known, maxPlaces, forgetAfterMs);
    l.lastKnownMs = s.lastKnownMs < 0 ? Number.NEGATIVE_INFINITY : s.lastKnownMs;
    l.lastKnownLabel = s.lastKnownLabel;
    l.lastKnownCoords = s.lastKnownCoords;
    if (s.pending) l.pending = { ...s.pending, evidence: s.pending.evidence.slice() };
    if (s.sessions) l.sessions = new Map(s.sessions.map(([id, h]) => [id, { ...h }]));
    return l;
  }
}
