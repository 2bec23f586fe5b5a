import { type JsonObject, arr, obj, str } from '../record-fields.js';

export const K8sIdentityKind = {
  ServiceAccount: 'serviceaccount',
  Node: 'node',
  /** Control-plane components (system:kube-controller-manager, system:kube-scheduler…). */
  System: 'system',
  Anonymous: 'anonymous',
  /** A person or an external identity (OIDC, certificates): not a workload, but still watched. */
  User: 'user',
} as const;
export type K8sIdentityKind = (typeof K8sIdentityKind)[keyof typeof K8sIdentityKind];

export interface K8sIdentity {
  username: string;
  kind: K8sIdentityKind;
  /** The namespace of a service account (system:serviceaccount:<ns>:<name>). */
  namespace?: string;
  groups: string[];
}

export function identityKind(username: string): K8sIdentityKind {
  if (username.startsWith('system:serviceaccount:')) return K8sIdentityKind.ServiceAccount;
  if (username.startsWith('system:node:')) return K8sIdentityKind.Node;
  if (username === 'system:anonymous') return K8sIdentityKind.Anonymous;
  if (username.startsWith('system:')) return K8sIdentityKind.System;
  return K8sIdentityKind.User;
}

/** The authenticated user of an audit event (not the impersonated one: the caller is who acts). */
export function identityOf(event: JsonObject): K8sIdentity | undefined {
  const user = obj(event['user']);
  const username = str(user?.['username']);
  if (username === undefined) return undefined;
  const kind = identityKind(username);
  const groups = arr(user?.['groups'])
    .map((g) => str(g))
    .filter((g): g is string => g !== undefined);
  const namespace = kind === K8sIdentityKind.ServiceAccount ? username.split(':')[2] : undefined;
  return { username, kind, groups, ...(namespace !== undefined && { namespace }) };
}
