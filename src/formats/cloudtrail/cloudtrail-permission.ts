import { type JsonObject, obj, str } from '../record-fields.js';
import type { ArnContext } from './cloudtrail-resource.js';
import { own } from '../../core/own-property.js';

/**
 * IAM and STS calls that grant or mint access: each becomes a `permission_request` whose
 * `permission` names what was granted — the managed policy for an attachment, the role for an
 * AssumeRole, the group for AddUserToGroup — and the IAM action itself where nothing more
 * specific is granted (a new access key, a console password, an inline policy, a trust policy).
 */
type Grant = (params: JsonObject, ctx: ArnContext) => string | undefined;

const policyArn: Grant = (p) => str(p['policyArn']);
const roleArn: Grant = (p) => str(p['roleArn']);
const action =
  (name: string): Grant =>
  () =>
    name;
const group: Grant = (p, ctx) => {
  const name = str(p['groupName']);
  return name === undefined ? undefined : `arn:${ctx.partition}:iam::${ctx.account}:group/${name}`;
};

const GRANTS: Record<string, Grant> = {
  'iam:AttachUserPolicy': policyArn,
  'iam:AttachRolePolicy': policyArn,
  'iam:AttachGroupPolicy': policyArn,
  'iam:CreatePolicyVersion': policyArn,
  'iam:SetDefaultPolicyVersion': policyArn,
  'iam:PutUserPolicy': action('iam:PutUserPolicy'),
  'iam:PutRolePolicy': action('iam:PutRolePolicy'),
  'iam:PutGroupPolicy': action('iam:PutGroupPolicy'),
  'iam:PutUserPermissionsBoundary': policyArn,
  'iam:PutRolePermissionsBoundary': policyArn,
  'iam:CreateAccessKey': action('iam:CreateAccessKey'),
  'iam:CreateLoginProfile': action('iam:CreateLoginProfile'),
  'iam:UpdateLoginProfile': action('iam:UpdateLoginProfile'),
  'iam:UpdateAssumeRolePolicy': action('iam:UpdateAssumeRolePolicy'),
  'iam:AddUserToGroup': group,
  'iam:AddRoleToInstanceProfile': (p, ctx) => {
    const name = str(p['roleName']);
    return name === undefined ? undefined : `arn:${ctx.partition}:iam::${ctx.account}:role/${name}`;
  },
  'iam:CreateServiceSpecificCredential': action('iam:CreateServiceSpecificCredential'),
  'iam:UploadSSHPublicKey': action('iam:UploadSSHPublicKey'),
  'iam:UploadSigningCertificate': action('iam:UploadSigningCertificate'),
  'sts:AssumeRole': roleArn,
  'sts:AssumeRoleWithSAML': roleArn,
  'sts:AssumeRoleWithWebIdentity': roleArn,
  'sts:GetFederationToken': action('sts:GetFederationToken'),
  'sts:GetSessionToken': action('sts:GetSessionToken'),
  'rolesanywhere:CreateTrustAnchor': action('rolesanywhere:CreateTrustAnchor'),
};

/** The permission an IAM/STS call asks for, or undefined when the call grants nothing. */
export function permissionOf(action: string, record: JsonObject, ctx: ArnContext): string | undefined {
  const grant = own(GRANTS, action);
  if (grant === undefined) return undefined;
  return grant(obj(record['requestParameters']) ?? {}, ctx) ?? action;
}
