import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { SkippedRecord } from '../log-format.js';
import { type JsonObject, arr, field, isObject, str } from '../record-fields.js';
import { mapAuditLog } from './entra-audit-log.js';
import { SignInKind, mapSignIn } from './entra-sign-in.js';
import { own } from '../../core/own-property.js';

export const EntraKind = {
  ServicePrincipalSignIn: 'ServicePrincipalSignInLogs',
  ManagedIdentitySignIn: 'ManagedIdentitySignInLogs',
  AuditLog: 'AuditLogs',
  /** Human sign-ins and other Entra categories: valid logs, but no workload identity acting. */
  Other: 'other',
} as const;
export type EntraKind = (typeof EntraKind)[keyof typeof EntraKind];

// Diagnostic-settings `category` and Log Analytics `Type` names of the same streams.
const KINDS: Record<string, EntraKind> = {
  serviceprincipalsigninlogs: EntraKind.ServicePrincipalSignIn,
  aadserviceprincipalsigninlogs: EntraKind.ServicePrincipalSignIn,
  managedidentitysigninlogs: EntraKind.ManagedIdentitySignIn,
  aadmanagedidentitysigninlogs: EntraKind.ManagedIdentitySignIn,
  auditlogs: EntraKind.AuditLog,
  signinlogs: EntraKind.Other,
  noninteractiveusersigninlogs: EntraKind.Other,
  aadnoninteractiveusersigninlogs: EntraKind.Other,
  provisioninglogs: EntraKind.Other,
  aadprovisioninglogs: EntraKind.Other,
  riskyusers: EntraKind.Other,
  userriskevents: EntraKind.Other,
  riskyserviceprincipals: EntraKind.Other,
  serviceprincipalriskevents: EntraKind.Other,
  microsoftgraphactivitylogs: EntraKind.Other,
  adfssigninlogs: EntraKind.Other,
};

const AADIAM = /\/providers\/microsoft\.aadiam/i;

/** Which Entra stream a record belongs to, or undefined when it is not an Entra record at all. */
export function entraKind(record: JsonObject): EntraKind | undefined {
  for (const name of [str(record['category']), str(record['Type']), str(record['Category'])]) {
    const kind = name === undefined ? undefined : own(KINDS, name.toLowerCase());
    if (kind) return kind;
  }
  // A KQL projection may overwrite Type (the OTRF Golden SAML rows say "Application"): an audit
  // row is still known by its columns.
  if (field(record, 'InitiatedBy') !== undefined && field(record, 'ActivityDisplayName') !== undefined) return EntraKind.AuditLog;
  if (record['ServicePrincipalId'] !== undefined && record['TimeGenerated'] !== undefined) return EntraKind.ServicePrincipalSignIn;
  if (AADIAM.test(str(field(record, 'resourceId')) ?? '') || str(record['SourceSystem']) === 'Azure AD') return EntraKind.Other;
  return undefined;
}

/** `{"records":[…]}` from Event Hubs / storage, or one record (Kafka message, Log Analytics export line). */
export function isEntraValue(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['records'])) {
    const first = value['records'].find(isObject);
    return first !== undefined && entraKind(first) !== undefined;
  }
  return entraKind(value) !== undefined;
}

/**
 * One record to its events. Throws InvalidEventError for a record that cannot be read; skips an
 * Entra record of a stream that carries no workload-identity activity (user sign-ins, risk
 * events…), which a diagnostic setting routing every category sends along.
 */
export function mapEntraRecord(record: unknown): RawAuditEvent[] | SkippedRecord {
  if (!isObject(record)) throw new InvalidEventError(RejectReason.Unmapped, 'Entra: a record must be a JSON object');
  const kind = entraKind(record);
  switch (kind) {
    case EntraKind.ServicePrincipalSignIn:
      return [mapSignIn(record, SignInKind.ServicePrincipal)];
    case EntraKind.ManagedIdentitySignIn:
      return [mapSignIn(record, SignInKind.ManagedIdentity)];
    case EntraKind.AuditLog:
      return mapAuditLog(record);
    case EntraKind.Other:
      return new SkippedRecord(skipReason(record));
    default:
      throw new InvalidEventError(RejectReason.Unmapped, 'Entra: not a sign-in or audit log record (no known category or Type)');
  }
}

/** A bounded reason (a metric label): the stream's known name, never free text from the record. */
function skipReason(record: JsonObject): string {
  for (const name of [str(record['category']), str(record['Type'])]) {
    const key = name?.toLowerCase();
    if (key !== undefined && own(KINDS, key) === EntraKind.Other) return `entra ${key.replace(/^aad/, '')}: no workload identity`;
  }
  return 'entra other stream: no workload identity';
}

/** The records of an envelope, or the value itself as the only record. */
export function entraRecords(value: unknown): unknown[] {
  return isObject(value) && Array.isArray(value['records']) ? arr(value['records']) : [value];
}
