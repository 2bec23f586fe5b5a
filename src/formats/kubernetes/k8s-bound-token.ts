import { type JsonObject, arr, obj, str } from '../record-fields.js';
import { type K8sIdentity, K8sIdentityKind } from './k8s-identity.js';

/** A service-account token bound to a pod (TokenRequest, projected volumes: every pod since 1.22). */
export interface BoundToken {
  /** What multi_location binds a home network to: one token (its JTI), else the pod it is bound to. */
  session: string;
  podName: string;
  podUID?: string;
  credentialId?: string;
}

function extra(user: JsonObject | undefined, key: string): string | undefined {
  return str(arr(obj(user?.['extra'])?.[key])[0]);
}

/**
 * The pod a service-account token is bound to, from the authenticator's `user.extra`
 * (Kubernetes docs, "Service account tokens": `authentication.kubernetes.io/pod-name`, `pod-uid`,
 * and since 1.29 `credential-id`, `JTI=<uuid>`). Such a token lives in one pod; used from another
 * network it has been taken out of it (issue 15, item 3), as an instance's role session is. Bound
 * per token where the log names it (a pod's token is rotated hourly, each with its own JTI), else
 * per pod. Legacy secret-based tokens carry no pod: nothing to bind.
 */
export function boundTokenOf(event: JsonObject): BoundToken | undefined {
  const user = obj(event['user']);
  const podName = extra(user, 'authentication.kubernetes.io/pod-name');
  if (podName === undefined) return undefined;
  const podUID = extra(user, 'authentication.kubernetes.io/pod-uid');
  const credentialId = extra(user, 'authentication.kubernetes.io/credential-id');
  const key = credentialId ?? (podUID === undefined ? undefined : `pod-uid=${podUID}`);
  return {
    session: key === undefined ? `pod ${podName}` : `pod ${podName} ${key}`,
    podName,
    ...(podUID !== undefined && { podUID }),
    ...(credentialId !== undefined && { credentialId }),
  };
}

/** Legacy service-account token secrets, named `<serviceaccount>-token-<5 random characters>` by the tokens controller. */
const TOKEN_SECRET = /^(.+)-token-[a-z0-9]{5}$/;
const LEASE_NAMESPACES = new Set(['kube-system', 'kube-node-lease']);
/** The components that issue and mount tokens for everyone: kube-controller-manager's tokens controller, kube-scheduler. */
const TOKEN_ISSUERS = new Set(['system:kube-controller-manager', 'system:kube-scheduler']);

function isSystemComponent(identity: K8sIdentity): boolean {
  return (
    identity.kind === K8sIdentityKind.System ||
    identity.kind === K8sIdentityKind.Node ||
    (identity.kind === K8sIdentityKind.ServiceAccount && identity.namespace === 'kube-system')
  );
}

/**
 * The control plane's own upkeep (issue 15, item 6), which first-touch detectors do not treat as
 * news: leader-election and heartbeat leases in kube-system and kube-node-lease; the tokens
 * controller writing token secrets; a kube-system service account reading its own token secret;
 * a kubelet reading the token secrets and requesting the bound tokens of the pods it runs (the
 * Node authorizer limits it to those). Of the two alerts the Falco samples once raised, one was the
 * controller-manager's own token secret. Still counted for rates, errors and places.
 */
export function isHousekeeping(identity: K8sIdentity, resourceType: string | undefined, ref: JsonObject | undefined, name: string | undefined): boolean {
  if (!isSystemComponent(identity) || resourceType === undefined) return false;
  const namespace = str(ref?.['namespace']);
  if (resourceType === 'leases') return namespace !== undefined && LEASE_NAMESPACES.has(namespace);
  const sub = str(ref?.['subresource']);
  if (resourceType === 'serviceaccounts' && sub === 'token') return identity.kind === K8sIdentityKind.Node || TOKEN_ISSUERS.has(identity.username);
  if (resourceType !== 'secrets' || sub !== undefined || name === undefined) return false;
  const owner = TOKEN_SECRET.exec(name)?.[1];
  if (owner === undefined) return false;
  if (TOKEN_ISSUERS.has(identity.username) || identity.kind === K8sIdentityKind.Node) return true;
  return identity.kind === K8sIdentityKind.ServiceAccount && namespace === 'kube-system' && identity.username === `system:serviceaccount:kube-system:${owner}`;
}
