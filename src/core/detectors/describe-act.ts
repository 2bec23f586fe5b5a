/**
 * The event attribute an adapter sets (`true`) on a platform's own upkeep: a Kubernetes
 * control-plane component's own token secrets and leases (issue 15, item 6). First-touch
 * detectors skip it; it is still counted for rates, errors and places.
 */
export const HOUSEKEEPING = 'housekeeping';

/**
 * What an action does, in the words an alert uses (issue 15, item 5: name the risky act, not
 * just "accessed"). The verb is the action's last word: `secretsmanager:GetSecretValue` →
 * GetSecretValue, `storage.blob.read` → read, a Kubernetes `create pods/exec` → create.
 */
function verbOf(action: string): { verb: string; subresource: boolean } {
  const words = action.trim().split(' ');
  if (words.length > 1) return { verb: words[0] ?? action, subresource: (words[1] ?? '').includes('/') };
  const i = Math.max(action.lastIndexOf(':'), action.lastIndexOf('.'), action.lastIndexOf('/'));
  return { verb: action.slice(i + 1), subresource: false };
}

/** A verb is one word or a CamelCase API name; `run_shell` (a tool's name) is not one. */
const WORD = /^[A-Za-z]+$/;

const ACTS: readonly (readonly [RegExp, string])[] = [
  [/^(Get\w*(Value|Values|PasswordData)|GetParameters?|BatchGet\w*|Decrypt|Export\w*)$/, 'read the value of'],
  [/^(Delete|Remove|Deregister|Purge|Terminate|Leave)/i, 'deleted'],
  [/^(Stop|Disable|Suspend)/i, 'stopped'],
  [/^(Put\w*Object|Upload|Write|write)/, 'wrote'],
  [/^(Create|Copy|Register|Import)/i, 'created'],
  [/^(Put|Update|Modify|Set|Attach|Add|Enable|Upload|Replace|Restore|Patch)/i, 'changed'],
  [/^(Invoke|Send|Start|Run|Exec|Execute|Connect)/i, 'ran'],
  [/^(Get|Read|List|Describe|Head|Watch|Lookup|Search|Query|Scan|Select|Download)/i, 'read'],
];

/** `read the value of`, `deleted`, `stopped`, `wrote`, `created`, `changed`, `ran`, `read`, else `accessed`. */
export function describeAct(action: string): string {
  const { verb } = verbOf(action);
  if (!WORD.test(verb)) return 'accessed';
  for (const [re, act] of ACTS) if (re.test(verb)) return act;
  return 'accessed';
}

/**
 * A call that brings its target into being (CreateSecret, CreateSnapshot, `create secrets`): the
 * agent's own new resource, not a first access of someone else's (issue 15, item 5). A
 * Kubernetes `create` of a subresource (`pods/exec`, `serviceaccounts/token`) runs a command or
 * mints a token in someone else's object: not a creation.
 */
export function createsResource(action: string): boolean {
  const { verb, subresource } = verbOf(action);
  return !subresource && /^(Create|create)(?!.*(Grant|Token|Session|Permission|Access|Link|Url|URL))/.test(verb);
}
