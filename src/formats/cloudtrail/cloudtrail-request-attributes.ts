import { type JsonObject, arr, clip, obj, putAttr, str } from '../record-fields.js';

/** Items kept of a list flattened into one attribute: enough to show, bounded whatever the record. */
const MAX_ITEMS = 16;

const list = (values: readonly (string | undefined)[]): string | undefined => {
  const kept = values.filter((v): v is string => v !== undefined && v !== '').slice(0, MAX_ITEMS);
  return kept.length === 0 ? undefined : clip(kept.join(','), 2048);
};

/** `{add: {items: [{userId}|{group: "all"}|{organizationArn}…]}}` of a launch or create-volume permission. */
function permissionAdds(permission: unknown): string | undefined {
  const items = arr(obj(obj(permission)?.['add'])?.['items']).map(obj);
  return list(items.map((i) => str(i?.['group']) ?? str(i?.['userId']) ?? str(i?.['organizationArn']) ?? str(i?.['organizationalUnitArn'])));
}

/** Every CIDR an ingress rule opens: the flat `cidrIp` form and the `ipPermissions` items, v4 and v6. */
function ingressCidrs(params: JsonObject): { cidrs?: string; ports?: string } {
  const cidrs: (string | undefined)[] = [str(params['cidrIp'])];
  const ports: (string | undefined)[] = [];
  const port = (p: JsonObject) => {
    const from = p['fromPort'];
    const to = p['toPort'];
    if (typeof from === 'number') ports.push(from === to || to === undefined ? String(from) : `${from}-${String(to)}`);
  };
  port(params);
  for (const p of arr(obj(params['ipPermissions'])?.['items']).map(obj)) {
    if (p === undefined) continue;
    port(p);
    for (const r of arr(obj(p['ipRanges'])?.['items'])) cidrs.push(str(obj(r)?.['cidrIp']));
    for (const r of arr(obj(p['ipv6Ranges'])?.['items'])) cidrs.push(str(obj(r)?.['cidrIpv6']));
  }
  const out: { cidrs?: string; ports?: string } = {};
  const c = list(cidrs);
  const ps = list(ports);
  if (c !== undefined) out.cidrs = c;
  if (ps !== undefined) out.ports = ps;
  return out;
}

/**
 * The few request fields that make a call an exposure (issue 15, item 1), as attributes that
 * `sensitive` entries with `field: action` put conditions on (docs/baselines.md):
 * - `aws.sharedWith`: who an AMI, EBS snapshot or RDS snapshot is shared with (`all`, account ids);
 * - `aws.ingressCidrs`, `aws.ingressPorts`: what a security-group ingress rule opens;
 * - `aws.principal`: whom a Lambda resource policy lets in (`*`, a service, an account);
 * - `aws.mfaUsed`: whether a console sign-in used MFA (`Yes`/`No`);
 * - `aws.layers`: the layers a function configuration now loads (an extension runs with its code);
 * - `aws.instanceAttribute`: which instance attribute ModifyInstanceAttribute changed or
 *   DescribeInstanceAttribute read (`userData`…);
 * - `aws.instanceType`: the type RunInstances launches (GPU types: cryptomining).
 * Lists are comma-joined, at most 16 items. Field names are those of the CloudTrail records
 * the EC2, RDS, Lambda and sign-in documentation shows.
 */
export function putRequestAttributes(attrs: Record<string, string | number | boolean>, eventName: string, record: JsonObject): void {
  const params = obj(record['requestParameters']) ?? {};
  switch (eventName) {
    case 'ModifyImageAttribute':
      putAttr(attrs, 'aws.sharedWith', permissionAdds(params['launchPermission']));
      break;
    case 'ModifySnapshotAttribute':
      putAttr(attrs, 'aws.sharedWith', permissionAdds(params['createVolumePermission']));
      break;
    case 'ModifyDBSnapshotAttribute':
    case 'ModifyDBClusterSnapshotAttribute':
      if (str(params['attributeName']) === 'restore') putAttr(attrs, 'aws.sharedWith', list(arr(params['valuesToAdd']).map(str)));
      break;
    case 'AuthorizeSecurityGroupIngress': {
      const { cidrs, ports } = ingressCidrs(params);
      putAttr(attrs, 'aws.ingressCidrs', cidrs);
      putAttr(attrs, 'aws.ingressPorts', ports);
      break;
    }
    case 'AddPermission':
    case 'AddLayerVersionPermission':
      putAttr(attrs, 'aws.principal', params['principal']);
      break;
    case 'ConsoleLogin':
      putAttr(attrs, 'aws.mfaUsed', obj(record['additionalEventData'])?.['MFAUsed']);
      break;
    case 'UpdateFunctionConfiguration':
    case 'CreateFunction':
      putAttr(attrs, 'aws.layers', list(arr(params['layers']).map((l) => str(l) ?? str(obj(l)?.['arn']))));
      break;
    case 'RunInstances':
      putAttr(attrs, 'aws.instanceType', params['instanceType']);
      break;
    case 'DescribeInstanceAttribute':
    case 'ModifyInstanceAttribute':
      putAttr(attrs, 'aws.instanceAttribute', str(params['attribute']) ?? Object.keys(params).find((k) => k !== 'instanceId'));
      break;
  }
}

/**
 * Lambda (and a few other services) log the API version in the event name:
 * `UpdateFunctionCode20150331v2`. The IAM action, and so the packs, say `UpdateFunctionCode`.
 */
export function unversionedEventName(eventName: string): string {
  const m = /^([A-Za-z]+?)\d{8}(v\d+)?$/.exec(eventName);
  return m?.[1] ?? eventName;
}
