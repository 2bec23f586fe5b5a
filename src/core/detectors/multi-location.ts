import { Type } from '@sinclair/typebox';
import type { AgentBaseline } from '../baselines/agent-baseline.js';
import { LocationKind, LocationState, type PendingPlace } from './multi-location-state.js';
import type { AuditEvent } from '../events/audit-event.js';
import { haversineKm } from '../geo/distance.js';
import { networkKey } from '../geo/ip-network.js';
import { type Detector, DetectorName, type Finding, round2 } from './detector.js';
import { patternValue } from '../feedback/finding-pattern.js';

const SEVERITY = { country: 'high', region: 'medium', network: 'low' } as const;

function finding(
  agent: AgentBaseline,
  loc: LocationState,
  p: PendingPlace,
  event: AuditEvent,
  how: 'concurrent' | 'impossible_travel',
  km?: number,
  kmh?: number,
): Finding {
  p.fired = true;
  const what = p.kind === LocationKind.Network ? 'a network it has never used' : `a ${p.kind} it has never used`;
  const summary =
    how === 'impossible_travel'
      ? `${agent.agentId} acted from ${p.label} ${Math.round(km ?? 0)} km from ${loc.lastKnownLabel} only ${Math.round((event.timeMs - loc.lastKnownMs) / 60_000)} min after: ${Math.round(kmh ?? 0)} km/h is an impossible journey.`
      : `${agent.agentId} is acting from ${what} (${p.label}) while still active from its usual place (${loc.lastKnownLabel}).`;
  return {
    detector: DetectorName.MultiLocation,
    severity: how === 'impossible_travel' ? 'high' : SEVERITY[p.kind],
    score: how === 'impossible_travel' ? 85 : p.kind === 'country' ? 80 : p.kind === 'region' ? 60 : 40,
    summary,
    observed: {
      place: p.label,
      kind: p.kind,
      how,
      firstSeen: new Date(p.firstMs).toISOString(),
      ...(km !== undefined && { distanceKm: Math.round(km), speedKmh: round2(kmh ?? 0) }),
    },
    expected: { usualPlace: loc.lastKnownLabel, knownPlaces: loc.known.size, lastUsualActivity: new Date(loc.lastKnownMs).toISOString() },
    evidence: p.evidence.slice(),
    basis: 'learned',
  };
}

/**
 * Machine-bound credentials (an instance's, an ECS task's or a Lambda function's role session)
 * used from a second network: no history needed, the session has exactly one home. Its first
 * bound call's network is that home; the first call from another is reported, once per session.
 */
function boundSessionMoved(agent: AgentBaseline, loc: LocationState, event: AuditEvent, session: string, ip: string): Finding | undefined {
  const network = networkKey(ip);
  if (network === undefined) return undefined;
  const home = loc.sessionHome(session, network, ip);
  if (home.network === network || home.fired) return undefined;
  home.fired = true;
  return {
    detector: DetectorName.MultiLocation,
    severity: 'high',
    score: 85,
    summary: `${agent.agentId}: the machine-bound session ${session} was used from ${ip} although its credentials live on the machine at ${home.label}: credentials taken off the instance, task or function?`,
    observed: { place: ip, kind: LocationKind.Network, how: 'session_moved', session },
    expected: { sessionHome: home.label },
    evidence: [event.id],
    basis: 'declared',
  };
}

// State: `agent.locations`, a LocationState (multi-location-state.ts, beside this file), created by
// the detector on the agent's first event with a source; its snapshot is `locations`.

// Settings: composed into the engine settings as `engine.multiLocation` (engine-settings.ts).
export const MultiLocationSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    concurrentWindowMs: Type.Integer({
      minimum: 1000,
      default: 600_000,
      description: 'Usual places acting within this time of a new one make the use concurrent.',
    }),
    maxSpeedKmh: Type.Number({
      minimum: 1,
      default: 1000,
      description: 'Faster than this between the last usual place and a new country is impossible travel.',
    }),
    minTravelKm: Type.Number({ minimum: 0, default: 500, description: 'Shorter jumps are never impossible travel (coordinates are approximate).' }),
    adoptAfterMs: Type.Integer({
      minimum: 0,
      default: 1_800_000,
      description: 'A new place used alone this long becomes known (failover, migration, new NAT address).',
    }),
    maxPlaces: Type.Integer({ minimum: 1, default: 64, description: 'Places (countries, regions, networks) remembered per agent.' }),
  },
  { default: {} },
);

/**
 * One identity used from places that cannot both be true. After learning, a place (country,
 * cloud region, or network) the agent has never used is held as pending; it is reported when the
 * agent's usual places keep acting in between (interleaved use: a stolen credential), or at once
 * when the jump from the last usual place implies an impossible speed (new countries with
 * coordinates only; private and unknown addresses never). Agents deployed in several regions learn
 * all of them; a new place used alone for `adoptAfterMs` (a failover, a migration, a new NAT
 * address) becomes known, and so does a reported one once it goes quiet (one alert per place). Severity: country high, region medium, network low (the
 * instance-credential-theft pattern: a workload credential used from a new network).
 */
export const multiLocation: Detector = {
  name: DetectorName.MultiLocation,
  learned: true,
  enabled: (ctx) => ctx.settings.multiLocation.enabled,
  check(ctx, agent, event) {
    if (event.source === undefined) return undefined;
    const m = ctx.settings.multiLocation;
    const loc = (agent.locations ??= new LocationState(m.maxPlaces, ctx.settings.seen.forgetAfterMs));
    const place = loc.placeOf(event.source);
    if (place === undefined) return undefined;
    const t = event.timeMs;
    // A Lambda function's stolen credentials called from a laptop do not say they are bound (no
    // exec-env in the user agent): the session was bound by the function's own calls.
    const session = event.source.session;
    if (session !== undefined && event.source.ip !== undefined && (event.source.sessionBound === true || loc.hasSession(session))) {
      const moved = boundSessionMoved(agent, loc, event, session, event.source.ip);
      if (moved) return moved;
    }
    const novel = loc.isRecentlyKnown(place, t) || agent.isLearning(ctx) ? undefined : loc.novelty(place, t);
    if (novel === undefined) {
      loc.markKnownActivity(place, t);
      if (loc.pending && t - loc.pending.lastMs > m.concurrentWindowMs) loc.settlePending(t);
      return undefined;
    }
    let p = loc.pending;
    if (p !== undefined && p.key !== novel.key && t - p.lastMs > m.concurrentWindowMs) loc.settlePending(t);
    p = loc.pending;
    if (p === undefined || p.key !== novel.key) {
      p = { kind: novel.kind, key: novel.key, label: place.label, firstMs: t, lastMs: t, fired: false, evidence: [] };
      loc.pending = p;
    }
    p.lastMs = t;
    if (p.evidence.length < ctx.settings.evidenceLimit) p.evidence.push(event.id);
    if (p.fired) return undefined;
    // Impossible travel only into a new country outside the public clouds: a workload failing
    // over to a far cloud region moves "instantly" by design, an attacker's host does not.
    if (novel.kind === LocationKind.Country && place.coords && loc.lastKnownCoords && !place.privateNetwork && !place.cloudRegion) {
      const km = haversineKm(loc.lastKnownCoords, place.coords);
      const hours = Math.max((t - loc.lastKnownMs) / 3_600_000, 1 / 3600);
      if (km >= m.minTravelKm && km / hours > m.maxSpeedKmh) return finding(agent, loc, p, event, 'impossible_travel', km, km / hours);
    }
    if (loc.lastKnownMs > p.firstMs && t - loc.lastKnownMs <= m.concurrentWindowMs) return finding(agent, loc, p, event, 'concurrent');
    if (t - p.firstMs >= m.adoptAfterMs && loc.lastKnownMs < p.firstMs) {
      loc.markKnownActivity(place, t);
      loc.pending = undefined;
    }
    return undefined;
  },
  pattern: (finding) => ({ key: patternValue(finding.observed['place']) }),
};
