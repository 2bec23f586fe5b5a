import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBaselinesDir } from '../../src/config/load-baselines.js';

describe('the shipped baselines/ pack', () => {
  it('loads, and marks the usual secrets of each platform as sensitive', () => {
    const { baselines } = loadBaselinesDir(fileURLToPath(new URL('../../baselines/', import.meta.url)));
    const label = (r: string) => baselines.sensitiveResources.match(r)?.label;
    expect(label('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf')).toBe('aws-secret');
    expect(label('https://prod-kv.vault.azure.net/secrets/signing-key')).toBe('key-vault-secret');
    expect(label('k8s:payments/secrets/stripe-key')).toBe('kubernetes-secret');
    expect(label('arn:aws:s3:::reports/2026/03/01.csv')).toBeUndefined();
    expect(baselines.privileged.match('iam:AttachRolePolicy')).toBeDefined();
  });
});
