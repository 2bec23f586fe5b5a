import type { WebhookSinkConfig } from '../../config/sinks-config-schema.js';
import { InvalidConfigError } from '../../core/errors.js';
import { secretKey } from './standard-webhooks.js';

const GENERATE = `node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"`;

/**
 * The signing secrets of a webhook sink: `secrets`, or the environment variable `secretsEnv` names
 * (separated by spaces or commas). A standard webhook must be signed; Slack and Teams do not
 * verify signatures, so theirs are optional. Errors name the config path and never the secret.
 */
export function webhookSecrets(c: Pick<WebhookSinkConfig, 'secrets' | 'secretsEnv' | 'preset'>, where: string, env: NodeJS.ProcessEnv): string[] {
  if (c.secrets !== undefined && c.secretsEnv !== undefined) throw new InvalidConfigError(`${where}: set secrets or secretsEnv, not both`);
  let secrets = c.secrets ?? [];
  if (c.secretsEnv !== undefined) {
    const raw = env[c.secretsEnv];
    if (!raw?.trim()) throw new InvalidConfigError(`${where}: secretsEnv names ${c.secretsEnv}, which is not set (export it with the whsec_… secret)`);
    secrets = raw.split(/[\s,]+/).filter(Boolean);
  }
  for (const [i, s] of secrets.entries()) {
    const from = c.secretsEnv !== undefined ? `secret ${i + 1} in ${c.secretsEnv}` : `secrets[${i}]`;
    if (!s.startsWith('whsec_')) throw new InvalidConfigError(`${where}: ${from} is not a whsec_… secret (generate one with: ${GENERATE})`);
    try {
      secretKey(s);
    } catch (err) {
      throw new InvalidConfigError(`${where}: ${from}: ${(err as Error).message} (generate one with: ${GENERATE})`);
    }
  }
  if (secrets.length === 0 && c.preset === 'standard') {
    throw new InvalidConfigError(
      `${where}: a standard webhook is signed: set secrets (or secretsEnv) to a whsec_… secret shared with the receiver (generate one with: ${GENERATE})`,
    );
  }
  return secrets;
}
