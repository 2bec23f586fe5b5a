import { type JsonObject, arr, firstStr, obj, str } from '../record-fields.js';

/** What an audit-log activity granted: the permission (one event each), on what, to whom. */
export interface Grant {
  permission: string;
  /** Where the permission applies (the resource API, the app whose credentials changed, the member). */
  resource?: string;
  grantee?: string;
  detail?: Record<string, string>;
}

/** Activity names compared without case, dash style (– vs -) or stray spaces: Entra writes "… – Certificates and secrets management ". */
export function normalizeActivity(name: string): string {
  return name
    .replace(/[\u2012-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** modifiedProperties values are JSON text ("\"Mail.Read\"", "[…]"); the decoded string, or the raw text. */
export function propertyValue(value: unknown): string | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return str(parsed);
    } catch {
      return text;
    }
  }
  return text;
}

interface Modified {
  name: string;
  oldValue: string | undefined;
  newValue: string | undefined;
}

function modifiedProperties(target: JsonObject): Modified[] {
  return arr(target['modifiedProperties']).flatMap((m) => {
    const p = obj(m);
    const name = str(p?.['displayName']);
    return p && name ? [{ name, oldValue: propertyValue(p['oldValue']), newValue: propertyValue(p['newValue']) }] : [];
  });
}

function findProperty(targets: JsonObject[], name: string): { target: JsonObject; property: Modified } | undefined {
  for (const target of targets) {
    const property = modifiedProperties(target).find((m) => m.name.toLowerCase() === name.toLowerCase());
    if (property) return { target, property };
  }
  return undefined;
}

function targetName(target: JsonObject | undefined): string | undefined {
  return firstStr(target?.['displayName'], target?.['userPrincipalName'], target?.['id']);
}

const KEY_ID = /KeyIdentifier=([0-9a-fA-F-]+)/g;
const KEY_TYPE = /KeyType=(\w+)/;

/**
 * Credentials added to an application or service principal (T1098.001, the Golden SAML and
 * Solorigate step): permission `credential:<Type>/<object id>`, so each app an identity backdoors
 * is a new permission, and the pack marks `credential:*` privileged. An update that only
 * removed keys grants nothing.
 */
function credentialGrant(targets: JsonObject[]): Grant[] {
  const target = targets.find((t) => /application|serviceprincipal/i.test(str(t['type']) ?? '')) ?? targets[0];
  if (!target) return [];
  const key = findProperty([target], 'KeyDescription');
  if (key) {
    const before = new Set([...(key.property.oldValue ?? '').matchAll(KEY_ID)].map((m) => m[1]));
    const added = [...(key.property.newValue ?? '').matchAll(KEY_ID)].filter((m) => !before.has(m[1]));
    if (added.length === 0 && (key.property.newValue ?? '').length < (key.property.oldValue ?? '').length) return [];
  }
  const type = str(target['type']) ?? 'Application';
  const id = firstStr(target['id'], target['displayName']) ?? 'unknown';
  const detail: Record<string, string> = {};
  const keyType = key?.property.newValue?.match(KEY_TYPE)?.[1];
  if (keyType) detail['keyType'] = keyType;
  const name = str(target['displayName']);
  if (name) detail['targetName'] = name;
  return [{ permission: `credential:${type}/${id}`, resource: id, grantee: name ?? id, detail }];
}

/** An application permission (app role) on a resource API: AppRole.Value, e.g. RoleManagement.ReadWrite.Directory. */
function appRoleGrant(targets: JsonObject[]): Grant[] {
  const role = findProperty(targets, 'AppRole.Value') ?? findProperty(targets, 'AppRole.Id');
  const permission = role?.property.newValue;
  if (!permission) return [];
  const resourceTarget = targets.find((t) => /serviceprincipal/i.test(str(t['type']) ?? '')) ?? targets[0];
  const grantee = firstStr(
    findProperty(targets, 'ServicePrincipal.DisplayName')?.property.newValue,
    findProperty(targets, 'ServicePrincipal.ObjectID')?.property.newValue,
  );
  return [{ permission, ...withDefined({ resource: targetName(resourceTarget), grantee }) }];
}

/** Delegated scopes (oauth2PermissionGrant): one grant per scope added, old scopes excluded. */
function delegatedGrant(targets: JsonObject[]): Grant[] {
  const scope = findProperty(targets, 'DelegatedPermissionGrant.Scope');
  if (!scope?.property.newValue) return [];
  const before = new Set((scope.property.oldValue ?? '').split(/\s+/).filter(Boolean));
  const added = scope.property.newValue.split(/\s+/).filter((s) => s && !before.has(s));
  const resource = targetName(scope.target);
  const grantee = firstStr(
    findProperty(targets, 'ServicePrincipal.DisplayName')?.property.newValue,
    findProperty(targets, 'ServicePrincipal.ObjectID')?.property.newValue,
  );
  const consent = findProperty(targets, 'DelegatedPermissionGrant.ConsentType')?.property.newValue;
  return [...new Set(added)].map((permission) => ({ permission, ...withDefined({ resource, grantee }), ...(consent && { detail: { consentType: consent } }) }));
}

/** A directory role (Global Administrator, Privileged Role Administrator…) given to a member. */
function roleGrant(targets: JsonObject[]): Grant[] {
  const role = findProperty(targets, 'Role.DisplayName') ?? findProperty(targets, 'Role.TemplateId');
  const roleTarget = targets.find((t) => str(t['type'])?.toLowerCase() === 'role');
  const permission = role?.property.newValue ?? targetName(roleTarget);
  if (!permission) return [];
  const member = targets.find((t) => str(t['type'])?.toLowerCase() !== 'role') ?? role?.target;
  const grantee = targetName(member);
  return [{ permission, ...withDefined({ resource: firstStr(member?.['id'], grantee), grantee }) }];
}

const GRANTS: { test: (activity: string) => boolean; extract: (targets: JsonObject[]) => Grant[] }[] = [
  { test: (a) => a === 'add service principal credentials' || a.includes('certificates and secrets management'), extract: credentialGrant },
  { test: (a) => a === 'add app role assignment to service principal', extract: appRoleGrant },
  { test: (a) => a === 'add delegated permission grant', extract: delegatedGrant },
  { test: (a) => /^add (eligible |scoped )?member to role\b/.test(a), extract: roleGrant },
];

/** The grants an activity made, or undefined when the activity is not a grant (an ordinary api_call). */
export function grantsOf(activity: string, targets: JsonObject[]): Grant[] | undefined {
  const a = normalizeActivity(activity);
  const rule = GRANTS.find((g) => g.test(a));
  return rule ? rule.extract(targets) : undefined;
}

function withDefined<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
