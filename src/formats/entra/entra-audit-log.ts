import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { type JsonObject, arr, clip, epochMs, field, firstStr, isObject, jsonish, obj, putAttr, str } from '../record-fields.js';
import { grantsOf } from './entra-grants.js';
import { auditOutcome } from './entra-outcome.js';

interface Initiator {
  agentId: string;
  type: 'app' | 'user';
  name?: string;
  ip?: string;
}

/**
 * The initiator is the agent. An app's `servicePrincipalId` is the same id its sign-ins carry,
 * so an identity's sign-ins and directory changes share one baseline. A user is named by UPN
 * (what a SOC reads), falling back to the object id.
 */
function initiatorOf(initiatedBy: JsonObject | undefined): Initiator | undefined {
  const app = obj(initiatedBy?.['app']);
  const appId = firstStr(app?.['servicePrincipalId'], app?.['appId'], app?.['displayName']);
  if (app && appId !== undefined) {
    const name = firstStr(app['displayName'], app['servicePrincipalName']);
    return { agentId: appId, type: 'app', ...(name !== undefined && { name }) };
  }
  const user = obj(initiatedBy?.['user']);
  const userId = firstStr(user?.['userPrincipalName'], user?.['id']);
  if (user && userId !== undefined) {
    const ip = str(user['ipAddress']);
    const name = str(user['displayName']);
    return { agentId: userId, type: 'user', ...(name !== undefined && { name }), ...(ip !== undefined && { ip }) };
  }
  return undefined;
}

/**
 * An Entra AuditLogs record (diagnostic-settings shape with `properties`, or the Log Analytics
 * AuditLogs row whose InitiatedBy / TargetResources may be JSON text). Grants — credentials
 * added, app roles, delegated scopes, directory roles — become `permission_request` events, one
 * per permission; any other activity is an `api_call` on its first target.
 */
export function mapAuditLog(record: JsonObject): RawAuditEvent[] {
  const body = obj(record['properties']) ?? record;
  const id = firstStr(field(body, 'id'), field(record, 'correlationId'));
  if (id === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'Entra audit log: no id');
  const timeMs = epochMs(firstStr(field(body, 'activityDateTime'), field(record, 'time', 'TimeGenerated')));
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, 'Entra audit log: no valid activityDateTime, time or TimeGenerated');
  const activity = firstStr(field(body, 'activityDisplayName'), field(record, 'operationName'));
  if (activity === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'Entra audit log: no activityDisplayName or operationName');
  const initiator = initiatorOf(obj(jsonish(field(body, 'initiatedBy'))));
  if (initiator === undefined) throw new InvalidEventError(RejectReason.Unmapped, `Entra audit log "${clip(activity, 100)}": initiatedBy names no app or user`);
  const targets = arr(jsonish(field(body, 'targetResources'))).filter(isObject);

  const base: RawAuditEvent = {
    id: clip(id, 256),
    time: timeMs,
    agentId: clip(initiator.agentId, 256),
    category: 'api_call',
    action: clip(activity.replace(/\s+/g, ' ').trim(), 512),
    outcome: auditOutcome(field(body, 'result'), field(body, 'resultReason')),
  };
  const tenant = firstStr(field(record, 'tenantId'), field(record, 'AADTenantId'));
  if (tenant !== undefined) base.tenant = clip(tenant, 256);
  const ip = firstStr(initiator.ip, field(record, 'callerIpAddress'));
  if (ip !== undefined) base.source = { ip: clip(ip, 64) };

  const attributes: Record<string, string | number | boolean> = { initiatorType: initiator.type };
  putAttr(attributes, 'initiatorName', initiator.name);
  putAttr(attributes, 'auditCategory', field(body, 'category'));
  putAttr(attributes, 'operationType', firstStr(field(body, 'operationType'), field(body, 'AADOperationType')));
  putAttr(attributes, 'loggedByService', field(body, 'loggedByService'));
  putAttr(attributes, 'correlationId', field(body, 'correlationId'));
  putAttr(attributes, 'resultReason', field(body, 'resultReason'));

  const grants = grantsOf(activity, targets) ?? [];
  if (grants.length === 0) {
    const target = targets[0];
    const resource = firstStr(target?.['id'], target?.['displayName'], target?.['userPrincipalName']);
    putAttr(attributes, 'targetName', firstStr(target?.['displayName'], target?.['userPrincipalName']));
    putAttr(attributes, 'targetType', target?.['type']);
    return [{ ...base, ...(resource !== undefined && { resource: clip(resource, 2048) }), attributes }];
  }
  return grants.map((g) => {
    const a = { ...attributes };
    putAttr(a, 'grantee', g.grantee);
    for (const [k, v] of Object.entries(g.detail ?? {})) putAttr(a, k, v);
    return {
      ...base,
      // One record may grant several scopes: each is its own event, with an id of its own.
      id: grants.length === 1 ? base.id : clip(`${id}#${g.permission}`, 256),
      category: 'permission_request' as const,
      permission: clip(g.permission, 512),
      ...(g.resource !== undefined && { resource: clip(g.resource, 2048) }),
      attributes: a,
    };
  });
}
