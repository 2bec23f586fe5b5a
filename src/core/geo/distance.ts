/** A point on the Earth in decimal degrees (WGS 84 latitude −90…90, longitude −180…180). */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** IUGG mean Earth radius R1 = (2a + b) / 3 of the GRS 80 ellipsoid, in km (Moritz, "Geodetic Reference System 1980"). */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/**
 * Great-circle distance in km on a spherical Earth, by the haversine formula
 * (R. W. Sinnott, "Virtues of the Haversine", Sky & Telescope 68(2):159, 1984):
 *
 *   h = sin²(Δφ/2) + cos φ₁ · cos φ₂ · sin²(Δλ/2)
 *   d = 2R · asin(√h)
 *
 * φ is latitude, λ longitude, in radians. It is well conditioned for small distances (unlike the
 * spherical law of cosines); h is clamped to [0, 1] because rounding can push it just above 1 for
 * antipodal points. The spherical model is within about 0.5 % of the ellipsoidal (Vincenty) distance,
 * far below the uncertainty of locating a cloud region or a country.
 */
export function haversineKm(a: LatLon, b: LatLon): number {
  const phi1 = a.lat * RAD;
  const phi2 = b.lat * RAD;
  const sinDPhi = Math.sin((phi2 - phi1) / 2);
  const sinDLambda = Math.sin(((b.lon - a.lon) * RAD) / 2);
  const h = sinDPhi * sinDPhi + Math.cos(phi1) * Math.cos(phi2) * sinDLambda * sinDLambda;
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, Math.max(0, h))));
}
