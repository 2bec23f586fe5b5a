import { type JsonObject, firstStr, obj, str } from '../record-fields.js';

/** Who made a CloudTrail call, as agentwatch names the acting identity. */
export interface CloudTrailIdentity {
  agentId: string;
  /** `userIdentity.type` (IAMUser, AssumedRole, AWSService, Root, FederatedUser…), `unknown` when absent. */
  type: string;
  /** The session name of an assumed role (an instance id, a Lambda function, a CI job…). */
  sessionName?: string;
  /** The principal's own ARN when it differs from agentId (the session ARN of an assumed role). */
  principalArn?: string;
  accountId?: string;
}

const ASSUMED_ROLE = /^arn:([^:]+):sts::(\d*):assumed-role\/([^/]+)\/(.+)$/;

/**
 * An assumed role's sessions are one identity: the role. Every instance, task or function using
 * the role gets a session of its own (named after the instance id, say), and a baseline per
 * session would never mature; the session name rides along as an attribute. The issuer's ARN
 * keeps the role's path, which the session ARN drops.
 */
function assumedRole(identity: JsonObject, arn: string | undefined): CloudTrailIdentity | undefined {
  const issuer = obj(obj(identity['sessionContext'])?.['sessionIssuer']);
  const issuerArn = str(issuer?.['type']) === 'Role' || str(issuer?.['arn'])?.includes(':role/') ? str(issuer?.['arn']) : undefined;
  const m = arn === undefined ? null : ASSUMED_ROLE.exec(arn);
  const roleArn = issuerArn ?? (m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined);
  if (roleArn === undefined) return undefined;
  const principalSession = str(identity['principalId'])?.split(':')[1];
  const sessionName = m?.[4] ?? principalSession;
  return {
    agentId: roleArn,
    type: 'AssumedRole',
    ...(sessionName !== undefined && { sessionName }),
    ...(arn !== undefined && arn !== roleArn && { principalArn: arn }),
  };
}

/** The identity of a CloudTrail record, or undefined when it names nobody. */
export function identityOf(record: JsonObject): CloudTrailIdentity | undefined {
  const identity = obj(record['userIdentity']) ?? {};
  const type = str(identity['type']) ?? 'unknown';
  const arn = str(identity['arn']);
  const accountId = firstStr(identity['accountId'], record['recipientAccountId']);
  const base = accountId === undefined ? {} : { accountId };
  if (type === 'AssumedRole') {
    const role = assumedRole(identity, arn);
    if (role) return { ...role, ...base };
  }
  if (type === 'AWSService' || (type === 'unknown' && str(identity['invokedBy']) !== undefined && arn === undefined)) {
    const service = str(identity['invokedBy']);
    if (service !== undefined) return { agentId: service, type, ...base };
  }
  if (type === 'IAMUser' && arn === undefined) {
    const userName = str(identity['userName']);
    if (userName !== undefined && accountId !== undefined) return { agentId: `arn:aws:iam::${accountId}:user/${userName}`, type, ...base };
  }
  const agentId = firstStr(arn, identity['principalId'], identity['userName'], identity['invokedBy'], accountId && `aws-account:${accountId}`);
  return agentId === undefined ? undefined : { agentId, type, ...base };
}
