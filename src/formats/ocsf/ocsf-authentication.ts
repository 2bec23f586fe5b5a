import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { type JsonObject, clip, firstStr, num, obj, putAttr, str } from '../record-fields.js';
import { ocsfId, ocsfOutcome, ocsfSource, ocsfTenant, requireTime } from './ocsf-common.js';

// Authentication activity_id captions (OCSF 1.x).
const ACTIVITIES: Record<number, string> = {
  1: 'logon',
  2: 'logoff',
  3: 'authentication_ticket',
  4: 'service_ticket_request',
  5: 'service_ticket_renew',
  6: 'preauth',
  7: 'account_switch',
};

function activityOf(event: JsonObject): string {
  const id = num(event['activity_id']);
  const known = id === undefined ? undefined : ACTIVITIES[id];
  return known ?? str(event['activity_name'])?.toLowerCase().replace(/\s+/g, '_') ?? 'other';
}

/**
 * OCSF Authentication (class 3002): the account that authenticated (`user`, a service account
 * for the identities agentwatch watches; `actor.user` when `user` is absent) is the agent, the
 * action `authenticate:<activity>` (`authenticate:logon`). When the event names the service
 * authenticated to (`service`, else `dst_endpoint`), the logon is `resource_access` on it, as an
 * Entra sign-in is on the resource signed into: a first logon to a sensitive service alerts.
 */
export function mapAuthentication(event: JsonObject): RawAuditEvent {
  const user = obj(event['user']) ?? obj(obj(event['actor'])?.['user']);
  const agentId = firstStr(user?.['uid'], user?.['name'], user?.['email_addr']);
  if (agentId === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'OCSF Authentication: no user (uid, name or email_addr)');
  const service = obj(event['service']);
  const dst = obj(event['dst_endpoint']);
  const resource = firstStr(service?.['name'], service?.['uid'], dst?.['svc_name'], dst?.['hostname'], dst?.['name'], dst?.['ip']);

  const out: RawAuditEvent = {
    id: ocsfId(event),
    time: requireTime(event, 'Authentication'),
    agentId: clip(agentId, 256),
    category: resource !== undefined ? 'resource_access' : 'api_call',
    action: `authenticate:${clip(activityOf(event), 480)}`,
    ...(resource !== undefined && { resource: clip(resource, 2048) }),
    outcome: ocsfOutcome(event),
  };
  const tenant = ocsfTenant(event, user);
  if (tenant !== undefined) out.tenant = clip(tenant, 256);
  const source = ocsfSource(event);
  if (source) out.source = source;

  const attributes: Record<string, string | number | boolean> = { ocsfClass: 3002 };
  putAttr(attributes, 'userName', user?.['name']);
  putAttr(attributes, 'userType', user?.['type']);
  putAttr(attributes, 'authProtocol', firstStr(event['auth_protocol'], event['auth_protocol_id']));
  putAttr(attributes, 'logonType', firstStr(event['logon_type'], event['logon_type_id']));
  putAttr(attributes, 'isMfa', event['is_mfa']);
  putAttr(attributes, 'isRemote', event['is_remote']);
  putAttr(attributes, 'statusDetail', firstStr(event['status_detail'], event['status_code']));
  putAttr(attributes, 'product', obj(obj(event['metadata'])?.['product'])?.['name']);
  out.attributes = attributes;
  return out;
}
