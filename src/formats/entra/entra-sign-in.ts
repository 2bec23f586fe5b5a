import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { type JsonObject, clip, epochMs, field, firstStr, jsonish, num, obj, putAttr, str } from '../record-fields.js';
import { signInOutcome } from './entra-outcome.js';

export const SignInKind = { ServicePrincipal: 'servicePrincipal', ManagedIdentity: 'managedIdentity' } as const;
export type SignInKind = (typeof SignInKind)[keyof typeof SignInKind];

/**
 * A workload-identity sign-in (ServicePrincipalSignInLogs, ManagedIdentitySignInLogs) as one
 * `resource_access` event: the identity obtained a token for a resource.
 *
 * Two shapes carry the same facts: the diagnostic-settings record (Event Hubs, storage), whose
 * details sit in camelCase under `properties`, and the Log Analytics row (Sentinel tables
 * AADServicePrincipalSignInLogs / AADManagedIdentitySignInLogs), flat and PascalCase, with
 * `LocationDetails` as JSON text. Keys are looked up case-insensitively, so both read alike.
 */
export function mapSignIn(record: JsonObject, kind: SignInKind): RawAuditEvent {
  const props = obj(record['properties']);
  const body = props ?? record;
  const agentId = firstStr(field(body, 'servicePrincipalId'), field(body, 'appId'));
  if (agentId === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'Entra sign-in: no servicePrincipalId or appId to name the identity');
  const timeMs = epochMs(firstStr(field(body, 'createdDateTime'), field(record, 'time', 'TimeGenerated')));
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, 'Entra sign-in: no valid createdDateTime, time or TimeGenerated');
  const id = firstStr(field(body, 'id'), field(body, 'uniqueTokenIdentifier'), field(record, 'correlationId'));
  if (id === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'Entra sign-in: no id, uniqueTokenIdentifier or correlationId');

  // `resourceId` at the top of a diagnostic record is the log's own emitter (Microsoft.aadiam), not the target.
  const resourceId = props ? str(field(props, 'resourceId')) : str(field(record, 'ResourceIdentity'));
  const resource = firstStr(field(body, 'resourceDisplayName'), resourceId, field(body, 'resourceServicePrincipalId')) ?? 'unknown-resource';
  const errorCode = field(props ? (obj(props['status']) ?? {}) : {}, 'errorCode') ?? field(record, 'resultType');

  const event: RawAuditEvent = {
    id: clip(id, 256),
    time: timeMs,
    agentId: clip(agentId, 256),
    category: 'resource_access',
    action: 'signin',
    resource: clip(resource, 2048),
    outcome: signInOutcome(errorCode, field(body, 'conditionalAccessStatus')),
  };
  const tenant = firstStr(field(record, 'tenantId'), field(body, 'tenantId', 'resourceTenantId'));
  if (tenant !== undefined) event.tenant = clip(tenant, 256);

  const source = signInSource(record, body);
  if (source) event.source = source;

  const attributes: Record<string, string | number | boolean> = { identityType: kind };
  putAttr(attributes, 'servicePrincipalName', field(body, 'servicePrincipalName'));
  putAttr(attributes, 'appId', field(body, 'appId'));
  putAttr(attributes, 'resourceId', resourceId);
  putAttr(attributes, 'errorCode', num(errorCode) ?? str(errorCode));
  putAttr(attributes, 'resultDescription', firstStr(field(props ? (obj(props['status']) ?? {}) : {}, 'failureReason'), field(record, 'resultDescription')));
  putAttr(attributes, 'conditionalAccessStatus', field(body, 'conditionalAccessStatus'));
  putAttr(attributes, 'credentialKeyId', field(body, 'servicePrincipalCredentialKeyId'));
  putAttr(attributes, 'credentialThumbprint', field(body, 'servicePrincipalCredentialThumbprint'));
  putAttr(attributes, 'federatedCredentialId', field(body, 'federatedCredentialId'));
  putAttr(attributes, 'clientCredentialType', field(body, 'clientCredentialType'));
  putAttr(attributes, 'managedIdentityType', field(body, 'managedIdentityType'));
  putAttr(attributes, 'correlationId', field(body, 'correlationId'));
  // A state or province is not a cloud region (source.region, which allowedRegions checks).
  putAttr(attributes, 'state', locationDetails(body)?.['state']);
  event.attributes = attributes;
  return event;
}

function signInSource(record: JsonObject, body: JsonObject): RawAuditEvent['source'] {
  const source: NonNullable<RawAuditEvent['source']> = {};
  const ip = firstStr(field(body, 'ipAddress'), field(record, 'callerIpAddress'));
  if (ip !== undefined) source.ip = clip(ip, 64);
  // Log Analytics: LocationDetails (JSON text) holds the place and `Location` the country code;
  // diagnostic records: properties.location is the object.
  const details = locationDetails(body);
  const country = firstStr(
    details?.['countryOrRegion'],
    typeof field(body, 'location') === 'string' ? field(body, 'location') : undefined,
    field(record, 'location'),
  );
  if (country !== undefined) source.country = clip(country, 64);
  const city = str(details?.['city']);
  if (city !== undefined) source.city = clip(city, 128);
  const geo = obj(details?.['geoCoordinates']);
  const lat = num(geo?.['latitude']);
  const lon = num(geo?.['longitude']);
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
    source.lat = lat;
    source.lon = lon;
  }
  return Object.keys(source).length ? source : undefined;
}

function locationDetails(body: JsonObject): JsonObject | undefined {
  return obj(jsonish(field(body, 'locationDetails'))) ?? obj(field(body, 'location'));
}
