import { type JsonObject, arr, firstStr, obj, str } from '../record-fields.js';
import { own } from '../../core/own-property.js';

/** Where a call happened, to build the ARNs that CloudTrail names only by their short ids. */
export interface ArnContext {
  partition: string;
  region: string;
  account: string;
}

const isArn = (s: string): boolean => s.startsWith('arn:');

function s3Arn(bucket: string, key: string | undefined, ctx: ArnContext): string {
  return `arn:${ctx.partition}:s3:::${bucket}${key === undefined ? '' : `/${key}`}`;
}

function ssmParameterArn(name: string, ctx: ArnContext): string {
  return isArn(name) ? name : `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

function kmsArn(keyId: string, ctx: ArnContext): string {
  if (isArn(keyId)) return keyId;
  return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}

const regional =
  (service: string, type: string, sep: string) =>
  (id: string, ctx: ArnContext): string =>
    isArn(id) ? id : `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.account}:${type}${sep}${id}`;
const iamArn =
  (type: string) =>
  (name: string, ctx: ArnContext): string =>
    isArn(name) ? name : `arn:${ctx.partition}:iam::${ctx.account}:${type}/${name}`;

/**
 * requestParameters that name the target, by service, most specific first. Each service spells
 * its ids its own way; these are the ones the CloudTrail documentation and real logs show.
 */
const BY_SERVICE: Record<string, ReadonlyArray<readonly [string, (id: string, ctx: ArnContext) => string]>> = {
  secretsmanager: [
    ['secretId', regional('secretsmanager', 'secret', ':')],
    ['name', regional('secretsmanager', 'secret', ':')],
  ],
  ssm: [
    ['instanceId', regional('ec2', 'instance', '/')],
    ['target', regional('ec2', 'instance', '/')],
    ['name', regional('ssm', 'document', '/')],
  ],
  kms: [
    ['keyId', kmsArn],
    ['aliasName', kmsArn],
  ],
  iam: [
    ['userName', iamArn('user')],
    ['roleName', iamArn('role')],
    ['groupName', iamArn('group')],
    ['policyArn', (id) => id],
    ['instanceProfileName', iamArn('instance-profile')],
  ],
  lambda: [
    ['functionName', regional('lambda', 'function', ':')],
    ['layerName', regional('lambda', 'layer', ':')],
  ],
  ec2: [
    ['instanceId', regional('ec2', 'instance', '/')],
    ['snapshotId', regional('ec2', 'snapshot', '/')],
    ['imageId', regional('ec2', 'image', '/')],
    ['volumeId', regional('ec2', 'volume', '/')],
    ['groupId', regional('ec2', 'security-group', '/')],
  ],
  rds: [
    ['dBSnapshotIdentifier', regional('rds', 'snapshot', ':')],
    ['dBInstanceIdentifier', regional('rds', 'db', ':')],
    ['dBClusterIdentifier', regional('rds', 'cluster', ':')],
  ],
  cloudtrail: [
    ['name', regional('cloudtrail', 'trail', '/')],
    ['trailName', regional('cloudtrail', 'trail', '/')],
  ],
  logs: [['logGroupName', regional('logs', 'log-group', ':')]],
  dynamodb: [['tableName', regional('dynamodb', 'table', '/')]],
  sqs: [['queueUrl', (id) => id]],
  sns: [['topicArn', (id) => id]],
  bedrock: [['modelId', regional('bedrock', 'foundation-model', '/')]],
};

/** Lists of ids: the first is the resource, the count an attribute. */
const LISTS: Record<string, readonly [string, (id: string, ctx: ArnContext) => string]> = {
  secretsmanager: ['secretIdList', regional('secretsmanager', 'secret', ':')],
  ssm: ['names', ssmParameterArn],
  ec2: ['instanceIds', regional('ec2', 'instance', '/')],
};

export interface ResourceRef {
  resource: string;
  /** How many resources the call named (a batch call, several ARNs in `resources`). */
  count: number;
}

function fromResourcesField(record: JsonObject): ResourceRef | undefined {
  const list = arr(record['resources'])
    .map(obj)
    .filter((r): r is JsonObject => r !== undefined && str(r['ARN']) !== undefined);
  if (list.length === 0) return undefined;
  // An S3 object call lists the object and its bucket: the object is the target.
  const best = list.find((r) => str(r['type']) === 'AWS::S3::Object') ?? list[0];
  return { resource: str(best?.['ARN']) as string, count: list.length };
}

function instanceSet(params: JsonObject, ctx: ArnContext): ResourceRef | undefined {
  const items = arr(obj(params['instancesSet'])?.['items']);
  const ids = items.map((i) => str(obj(i)?.['instanceId'])).filter((s): s is string => s !== undefined);
  if (ids.length === 0) return undefined;
  return { resource: regional('ec2', 'instance', '/')(ids[0] as string, ctx), count: ids.length };
}

/** The resource a call acted on: `resources[].ARN` where CloudTrail lists it, else built from requestParameters. */
export function resourceOf(record: JsonObject, service: string, eventName: string, ctx: ArnContext): ResourceRef | undefined {
  const params = obj(record['requestParameters']);
  if (params) {
    const bucket = firstStr(params['bucketName'], params['bucket']);
    // S3 object keys are more specific than the `resources` list of data events (bucket first).
    if (bucket !== undefined && (service === 's3' || params['key'] !== undefined)) return { resource: s3Arn(bucket, str(params['key']), ctx), count: 1 };
  }
  const listed = fromResourcesField(record);
  if (listed) return listed;
  if (!params) return undefined;
  // SSM names parameters and documents alike: the event name tells which.
  if (service === 'ssm' && eventName.includes('Parameter')) {
    const name = firstStr(params['name'], params['path']);
    if (name !== undefined) return { resource: ssmParameterArn(name, ctx), count: 1 };
  }
  for (const [key, build] of own(BY_SERVICE, service) ?? []) {
    const id = str(params[key]);
    if (id !== undefined) return { resource: build(id, ctx), count: 1 };
  }
  const list = own(LISTS, service);
  if (list) {
    const ids = arr(params[list[0]])
      .map((v) => str(v))
      .filter((s): s is string => s !== undefined);
    if (ids.length > 0) return { resource: list[1](ids[0] as string, ctx), count: ids.length };
  }
  if (service === 'ec2') {
    const set = instanceSet(params, ctx);
    if (set) return set;
  }
  // Any parameter that is itself an ARN (roleArn, targetArn, resourceArn…).
  for (const [key, value] of Object.entries(params)) {
    const s = str(value);
    if (s !== undefined && isArn(s) && /arn$/i.test(key)) return { resource: s, count: 1 };
  }
  return undefined;
}
