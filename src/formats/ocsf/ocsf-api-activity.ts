import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { permissionOf } from '../cloudtrail/cloudtrail-permission.js';
import { type JsonObject, arr, clip, firstStr, isObject, jsonish, obj, putAttr, str } from '../record-fields.js';
import { ocsfId, ocsfOutcome, ocsfSource, ocsfTenant, requireTime } from './ocsf-common.js';

/**
 * Who acted. An assumed-role session (Security Lake's CloudTrail mapping: user.type AssumedRole,
 * session.issuer the role ARN) is its role, as in the CloudTrail adapter, so every session of
 * one role shares a baseline. Otherwise the user's uid, then name; an app acting alone
 * (actor.app_uid / app_name, OCSF 1.9 actor.application) is named by its uid, then name.
 */
export function actorIdentity(actor: JsonObject | undefined): { agentId: string; kind: string } | undefined {
  const user = obj(actor?.['user']);
  const issuer = str(obj(actor?.['session'])?.['issuer']);
  if (issuer !== undefined && /assumed ?role/i.test(str(user?.['type']) ?? '')) return { agentId: issuer, kind: 'role' };
  const role = assumedRoleArn(firstStr(user?.['uuid'], user?.['uid_alt'], user?.['uid']));
  if (role !== undefined) return { agentId: role, kind: 'role' };
  const userId = firstStr(user?.['uid'], user?.['name'], user?.['email_addr']);
  if (userId !== undefined) return { agentId: userId, kind: str(user?.['type']) ?? 'user' };
  const application = obj(actor?.['application']);
  const appId = firstStr(actor?.['app_uid'], actor?.['app_name'], application?.['uid'], application?.['name']);
  if (appId !== undefined) return { agentId: appId, kind: 'app' };
  return undefined;
}

const ASSUMED_ROLE = /^arn:(aws[\w-]*):sts::(\d+):assumed-role\/([^/]+)\/.+$/;

/** arn:aws:sts::123:assumed-role/Name/session → arn:aws:iam::123:role/Name (the path, not in the session ARN, is lost). */
function assumedRoleArn(arn: string | undefined): string | undefined {
  const m = arn?.match(ASSUMED_ROLE);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/** `iam.amazonaws.com` + `AttachRolePolicy` → `iam:AttachRolePolicy`: the CloudTrail spelling the AWS packs match. */
export function apiAction(api: JsonObject | undefined): string | undefined {
  const operation = str(api?.['operation']);
  if (operation === undefined) return undefined;
  const service = str(obj(api?.['service'])?.['name']);
  if (service === undefined) return operation;
  const short = service.replace(/\.(amazonaws\.com|googleapis\.com)$/i, '');
  return `${short}:${operation}`;
}

/**
 * An AWS IAM/STS call that grants access (Security Lake's CloudTrail in OCSF): the permission the
 * CloudTrail adapter names for it, read from `api.request.data` (CloudTrail's requestParameters,
 * an object or JSON text), so both routes raise the same new_permission.
 */
function awsGrant(event: JsonObject, action: string, who: { agentId: string }): string | undefined {
  if (!/^(iam|sts|rolesanywhere):/.test(action)) return undefined;
  const cloud = obj(event['cloud']);
  const account = firstStr(obj(cloud?.['account'])?.['uid'], who.agentId.match(/^arn:[^:]+:[^:]+::(\d+):/)?.[1]) ?? '';
  const partition = who.agentId.match(/^arn:([^:]+):/)?.[1] ?? 'aws';
  const requestParameters = obj(jsonish(obj(obj(event['api'])?.['request'])?.['data'])) ?? {};
  return permissionOf(action, { requestParameters }, { partition, region: str(cloud?.['region']) ?? '', account });
}

/**
 * OCSF API Activity (class 6003): an API call by the actor. An IAM/STS grant is a
 * `permission_request` (as from CloudTrail); otherwise it is `resource_access` on the first
 * resource that has a uid or name (its uid preferred: ARNs and resource ids are what the packs
 * match), else an `api_call`.
 */
export function mapApiActivity(event: JsonObject): RawAuditEvent {
  const actor = obj(event['actor']);
  const who = actorIdentity(actor);
  if (who === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'OCSF API Activity: actor names no user or app');
  const api = obj(event['api']);
  const action = apiAction(api) ?? str(event['activity_name']);
  if (action === undefined) throw new InvalidEventError(RejectReason.Unmapped, 'OCSF API Activity: no api.operation or activity_name');
  const resources = arr(event['resources']).filter(isObject);
  const target = resources.find((r) => firstStr(r['uid'], r['name']) !== undefined);
  const resource = target && firstStr(target['uid'], target['name']);
  const permission = awsGrant(event, action, who);

  const out: RawAuditEvent = {
    id: ocsfId(event),
    time: requireTime(event, 'API Activity'),
    agentId: clip(who.agentId, 256),
    category: permission !== undefined ? 'permission_request' : resource !== undefined ? 'resource_access' : 'api_call',
    action: clip(action, 512),
    ...(resource !== undefined && { resource: clip(resource, 2048) }),
    ...(permission !== undefined && { permission: clip(permission, 512) }),
    outcome: ocsfOutcome(event),
  };
  const user = obj(actor?.['user']);
  const tenant = ocsfTenant(event, user);
  if (tenant !== undefined) out.tenant = clip(tenant, 256);
  const source = ocsfSource(event);
  if (source) out.source = source;

  const attributes: Record<string, string | number | boolean> = { ocsfClass: 6003, actorType: who.kind };
  putAttr(attributes, 'activity', event['activity_name']);
  putAttr(attributes, 'userName', user?.['name']);
  putAttr(attributes, 'sessionUid', obj(actor?.['session'])?.['uid']);
  putAttr(attributes, 'credentialUid', user?.['credential_uid']);
  putAttr(attributes, 'invokedBy', actor?.['invoked_by']);
  putAttr(attributes, 'resourceType', target?.['type']);
  if (resources.length > 1) attributes['resourceCount'] = resources.length;
  putAttr(attributes, 'error', firstStr(obj(api?.['response'])?.['error'], event['status_code']));
  putAttr(attributes, 'errorMessage', firstStr(obj(api?.['response'])?.['error_message'], event['status_detail']));
  putAttr(attributes, 'userAgent', obj(event['http_request'])?.['user_agent']);
  putAttr(attributes, 'provider', obj(event['cloud'])?.['provider']);
  putAttr(attributes, 'product', obj(obj(event['metadata'])?.['product'])?.['name']);
  out.attributes = attributes;
  return out;
}
