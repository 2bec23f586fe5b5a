import { InvalidEventError, RejectReason } from '../../core/errors.js';
import type { Outcome } from '../../core/events/audit-event.js';
import type { RawAuditEvent } from '../../core/events/audit-event-schema.js';
import { SkippedRecord } from '../log-format.js';
import { type JsonObject, arr, clip, epochMs, firstStr, isObject, num, obj, putAttr, str } from '../record-fields.js';
import { boundTokenOf, isHousekeeping } from './k8s-bound-token.js';
import { identityOf } from './k8s-identity.js';
import { putK8sRequestAttributes } from './k8s-request-attributes.js';

/** An audit.k8s.io Event: `apiVersion` names it, but some exporters (and old Falco fixtures) drop it. */
export function isK8sAuditEvent(value: unknown): value is JsonObject {
  if (!isObject(value) || value['kind'] !== 'Event') return false;
  const apiVersion = str(value['apiVersion']);
  if (apiVersion !== undefined) return apiVersion.startsWith('audit.k8s.io/');
  return typeof value['auditID'] === 'string' && typeof value['verb'] === 'string';
}

/** Stages after the response: one event per request, with its status. */
const FINAL_STAGES = new Set(['ResponseComplete', 'Panic']);
/**
 * Streaming subresources (issue 15, item 6): kubectl exec, attach and port-forward upgrade the
 * connection, so their ResponseStarted (101 Switching Protocols) is often the only stage logged
 * until the session ends, hours later or never (the Falco samples hold only it). Their
 * ResponseStarted counts too; it and a later ResponseComplete carry the same auditID and
 * requestReceivedTimestamp, so the engine's duplicate check (same id and time for the agent)
 * counts the request once whatever the policy logs. RequestReceived stays skipped: it comes before
 * authorization, with no decision or status, and is always followed by one of the others.
 */
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);
/** The stages of audit.k8s.io/v1: a skip reason is a metric label and a summary line, never free text. */
const EARLY_STAGES = new Set(['RequestReceived', 'ResponseStarted']);
const RBAC_BINDINGS = new Set(['rolebindings', 'clusterrolebindings']);
const GRANT_VERBS = new Set(['create', 'update', 'patch']);

/** `/namespaces/<ns>/<resource>/<name>/<subresource>`, or `/<resource>/<name>` for cluster-scoped objects. */
function resourcePath(ref: JsonObject, name: string | undefined): string | undefined {
  const resource = str(ref['resource']);
  if (resource === undefined) return undefined;
  const sub = str(ref['subresource']);
  // A namespace is its own path (its objectRef also names itself as the namespace).
  if (resource === 'namespaces') return `/namespaces${name === undefined ? '' : `/${name}`}${sub === undefined || name === undefined ? '' : `/${sub}`}`;
  const ns = str(ref['namespace']);
  return `${ns === undefined ? '' : `/namespaces/${ns}`}/${resource}${name === undefined ? '' : `/${name}`}${sub === undefined || name === undefined ? '' : `/${sub}`}`;
}

function objectName(event: JsonObject, ref: JsonObject): string | undefined {
  // A create names its object in the body, not in objectRef (the name is not known until then).
  return firstStr(ref['name'], obj(obj(event['requestObject'])?.['metadata'])?.['name'], obj(obj(event['responseObject'])?.['metadata'])?.['name']);
}

/** The role a binding grants: `ClusterRole/cluster-admin`, `Role/<ns>/<name>`. */
function roleRefOf(event: JsonObject, ref: JsonObject): string | undefined {
  const roleRef = obj(obj(event['requestObject'])?.['roleRef']) ?? obj(obj(event['responseObject'])?.['roleRef']);
  const kind = str(roleRef?.['kind']);
  const name = str(roleRef?.['name']);
  if (kind === undefined || name === undefined) return undefined;
  const ns = str(ref['namespace']);
  return kind === 'Role' && ns !== undefined ? `Role/${ns}/${name}` : `${kind}/${name}`;
}

function outcomeOf(event: JsonObject): Outcome {
  const code = num(obj(event['responseStatus'])?.['code']);
  if (code === 401 || code === 403) return 'denied';
  if (code !== undefined && code >= 400) return 'failure';
  return str(obj(event['annotations'])?.['authorization.k8s.io/decision']) === 'forbid' ? 'denied' : 'success';
}

/**
 * One audit Event to its native event (field table in docs/formats.md). Stages before the
 * response (RequestReceived, ResponseStarted) repeat a request that ResponseComplete reports
 * with its status: they are skipped, not rejected.
 */
export function mapK8sAuditEvent(value: unknown): RawAuditEvent | SkippedRecord {
  if (!isK8sAuditEvent(value))
    throw new InvalidEventError(RejectReason.Unmapped, 'Kubernetes audit: not an audit.k8s.io Event (kind "Event" with auditID and verb)');
  const event = value;
  const stage = str(event['stage']);
  const streaming = str(obj(event['objectRef'])?.['resource']) === 'pods' && STREAMING_SUBRESOURCES.has(str(obj(event['objectRef'])?.['subresource']) ?? '');
  if (stage !== undefined && !FINAL_STAGES.has(stage) && !(streaming && stage === 'ResponseStarted')) {
    return new SkippedRecord(`k8s-audit stage ${EARLY_STAGES.has(stage) ? stage : 'unknown'}`);
  }
  const id = str(event['auditID']);
  if (id === undefined) throw new InvalidEventError(RejectReason.Schema, 'Kubernetes audit: no auditID');
  const timeMs = epochMs(event['requestReceivedTimestamp'] ?? event['stageTimestamp'] ?? event['timestamp']);
  if (timeMs === undefined) throw new InvalidEventError(RejectReason.BadTime, `Kubernetes audit ${id}: no valid requestReceivedTimestamp or stageTimestamp`);
  const identity = identityOf(event);
  if (identity === undefined) throw new InvalidEventError(RejectReason.Unmapped, `Kubernetes audit ${id}: no user.username`);
  const verb = str(event['verb']) ?? 'unknown';
  const ref = obj(event['objectRef']);
  const uri = str(event['requestURI']);
  const resourceType = ref ? str(ref['resource']) : undefined;
  const sub = ref ? str(ref['subresource']) : undefined;
  const path = ref ? resourcePath(ref, objectName(event, ref)) : undefined;

  const action = resourceType !== undefined ? `${verb} ${resourceType}${sub === undefined ? '' : `/${sub}`}` : `${verb} ${uri?.split('?')[0] ?? 'unknown'}`;
  let permission: string | undefined;
  if (ref && resourceType !== undefined && RBAC_BINDINGS.has(resourceType) && GRANT_VERBS.has(verb)) {
    permission = roleRefOf(event, ref) ?? `${resourceType}${path === undefined ? '' : ` ${path}`}`;
  } else if (verb === 'impersonate' && path !== undefined) {
    permission = `impersonate ${path}`;
  }
  const out: RawAuditEvent = {
    id,
    time: timeMs,
    agentId: clip(identity.username, 256),
    category: permission !== undefined ? 'permission_request' : path !== undefined ? 'resource_access' : 'api_call',
    action: clip(action, 512),
    outcome: outcomeOf(event),
  };
  if (path !== undefined) out.resource = clip(path, 2048);
  if (permission !== undefined) out.permission = clip(permission, 512);
  const ip = str(arr(event['sourceIPs'])[0]);
  const bound = boundTokenOf(event);
  if (ip !== undefined) {
    out.source = { ip: clip(ip, 64) };
    if (bound !== undefined) {
      out.source.session = clip(bound.session, 256);
      out.source.sessionBound = true;
    }
  }

  const attrs: Record<string, string | number | boolean> = {};
  attrs['k8s.identityKind'] = identity.kind;
  attrs['k8s.serviceAccount'] = identity.kind === 'serviceaccount';
  putAttr(attrs, 'k8s.serviceAccountNamespace', identity.namespace);
  if (identity.groups.length > 0) putAttr(attrs, 'k8s.groups', identity.groups.join(','));
  putAttr(attrs, 'k8s.impersonatedUser', obj(event['impersonatedUser'])?.['username']);
  putAttr(attrs, 'k8s.verb', verb);
  putAttr(attrs, 'k8s.namespace', ref?.['namespace']);
  putAttr(attrs, 'k8s.apiGroup', ref?.['apiGroup']);
  if (uri !== undefined) putAttr(attrs, 'k8s.requestURI', clip(uri, 512));
  putAttr(attrs, 'k8s.stage', stage);
  putAttr(attrs, 'k8s.level', event['level']);
  putAttr(attrs, 'k8s.responseCode', num(obj(event['responseStatus'])?.['code']));
  const annotations = obj(event['annotations']);
  putAttr(attrs, 'k8s.decision', annotations?.['authorization.k8s.io/decision']);
  const reason = str(annotations?.['authorization.k8s.io/reason']);
  if (reason !== undefined) putAttr(attrs, 'k8s.reason', clip(reason, 512));
  const ua = str(event['userAgent']);
  if (ua !== undefined) putAttr(attrs, 'k8s.userAgent', clip(ua, 512));
  if (GRANT_VERBS.has(verb) && sub === undefined) putK8sRequestAttributes(attrs, event, resourceType);
  if (bound !== undefined) {
    putAttr(attrs, 'k8s.podName', bound.podName);
    putAttr(attrs, 'k8s.podUID', bound.podUID);
    putAttr(attrs, 'k8s.credentialId', bound.credentialId);
  }
  if (isHousekeeping(identity, resourceType, ref, ref === undefined ? undefined : objectName(event, ref))) attrs['housekeeping'] = true;
  out.attributes = attrs;
  return out;
}
