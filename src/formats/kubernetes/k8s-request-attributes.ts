import { type JsonObject, arr, clip, obj, putAttr, str } from '../record-fields.js';

/** hostPath volumes kept in `k8s.hostPath`: enough to show, bounded whatever the object. */
const MAX_PATHS = 16;

/** The pod spec of a pod, a pod template (deployments, daemonsets, jobs…) or a cron job's job template. */
function podSpecOf(object: JsonObject): JsonObject | undefined {
  const spec = obj(object['spec']);
  if (spec === undefined) return undefined;
  if (Array.isArray(spec['containers'])) return spec;
  const template = obj(obj(spec['template'])?.['spec']);
  if (template !== undefined) return template;
  return obj(obj(obj(obj(spec['jobTemplate'])?.['spec'])?.['template'])?.['spec']);
}

/**
 * The few fields of a request body that make a workload or a service an exposure of the node or
 * of the cluster (issue 15, item 1), named as the Pod Security Standards name them: a
 * privileged container, host namespaces, hostPath volumes, a Service opened outside the
 * cluster. Only present where the audit policy logs request bodies (level Request or
 * RequestResponse). Attributes (docs/formats.md): `k8s.privileged`, `k8s.hostNetwork`,
 * `k8s.hostPID`, `k8s.hostIPC` (true when set), `k8s.hostPath` (comma-joined paths, at most 16),
 * `k8s.serviceType` (a Service's `spec.type`).
 */
export function putK8sRequestAttributes(attrs: Record<string, string | number | boolean>, event: JsonObject, resourceType: string | undefined): void {
  const body = obj(event['requestObject']);
  if (body === undefined) return;
  if (resourceType === 'services') {
    putAttr(attrs, 'k8s.serviceType', obj(body['spec'])?.['type']);
    return;
  }
  if (resourceType === 'persistentvolumes') {
    putAttr(attrs, 'k8s.hostPath', obj(obj(body['spec'])?.['hostPath'])?.['path']);
    return;
  }
  const pod = podSpecOf(body);
  if (pod === undefined) return;
  const containers = [...arr(pod['containers']), ...arr(pod['initContainers']), ...arr(pod['ephemeralContainers'])].map(obj);
  if (containers.some((c) => obj(c?.['securityContext'])?.['privileged'] === true)) attrs['k8s.privileged'] = true;
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod[key] === true) attrs[`k8s.${key}`] = true;
  const paths = arr(pod['volumes'])
    .map((v) => str(obj(obj(v)?.['hostPath'])?.['path']))
    .filter((p): p is string => p !== undefined)
    .slice(0, MAX_PATHS);
  if (paths.length > 0) attrs['k8s.hostPath'] = clip(paths.join(','), 2048);
}
