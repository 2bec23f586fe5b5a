import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import type { AuditEvent } from '../../../src/core/events/audit-event.js';
import { decodeRecords } from '../../../src/formats/decode-records.js';
import { SkippedRecord } from '../../../src/formats/log-format.js';
import { T0, engineWith, run } from '../../helpers/traffic.js';

// CloudTrail records of role sessions as the CloudTrail user guide shows them for an ECS task
// role (the session named after the task) and a Lambda execution role (named after the
// function, the SDK's user agent naming its runtime), with made-up ids and documentation addresses.
const ACCT = '111122223333';
let n = 0;
function call(role: string, session: string, key: string, ip: string, userAgent: string) {
  n++;
  return {
    eventVersion: '1.09',
    eventTime: new Date(T0 + n * 10_000).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent,
    requestParameters: null,
    responseElements: null,
    eventID: `ms-${n}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCT,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEID:${session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/${session}`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::${ACCT}:role/${role}`, accountId: ACCT, userName: role },
        attributes: { creationDate: new Date(T0).toISOString(), mfaAuthenticated: 'false' },
      },
    },
  };
}
const TASK = '5a8f2e4c1b7d4e3f9a6b8c2d1e0f3a4b';
const LAMBDA_UA = 'aws-sdk-js/3.592.0 ua/2.0 os/linux lang/js md/nodejs#20.14.0 exec-env/AWS_Lambda_nodejs20.x';
const ECS_UA = 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux lang/python exec-env/AWS_ECS_FARGATE';
const LAPTOP_UA = 'aws-cli/2.15.0 Python/3.11.6 Darwin/23.4.0';
const events = (records: unknown[]): AuditEvent[] =>
  [...decodeRecords({ Records: records })].filter((o): o is AuditEvent => !(o instanceof InvalidEventError) && !(o instanceof SkippedRecord));

describe('machine-bound sessions beyond EC2: ECS tasks and Lambda functions (issue 15, item 3)', () => {
  it('binds an ECS task session by its name and a Lambda session by its runtime, per access key', () => {
    const [task, fn, ci] = events([
      call('orders-task-role', TASK, 'ASIAEXAMPLETASK01', '203.0.113.5', ECS_UA),
      call('thumbnailer-role', 'thumbnailer', 'ASIAEXAMPLEFN0001', '3.250.1.10', LAMBDA_UA),
      call('ci-deploy', 'gha-run-42', 'ASIAEXAMPLECI0001', '198.51.100.20', LAPTOP_UA),
    ]);
    expect(task?.source).toMatchObject({ session: TASK, sessionBound: true });
    expect(fn?.source).toMatchObject({ session: 'thumbnailer/ASIAEXAMPLEFN0001', sessionBound: true });
    expect(ci?.source).toEqual({ ip: '198.51.100.20', session: 'gha-run-42/ASIAEXAMPLECI0001' });
  });

  it("reports the task's and the function's credentials used from a laptop, at once, with the default config; not other environments or movable sessions", () => {
    const records = [
      call('orders-task-role', TASK, 'ASIAEXAMPLETASK01', '203.0.113.5', ECS_UA),
      call('thumbnailer-role', 'thumbnailer', 'ASIAEXAMPLEFN0001', '3.250.1.10', LAMBDA_UA),
      // A second execution environment of the function: its own key, its own home.
      call('thumbnailer-role', 'thumbnailer', 'ASIAEXAMPLEFN0002', '54.170.9.9', LAMBDA_UA),
      // A CI job's session moves between runners: not machine-bound, nothing.
      call('ci-deploy', 'gha-run-42', 'ASIAEXAMPLECI0001', '198.51.100.20', LAPTOP_UA),
      call('ci-deploy', 'gha-run-42', 'ASIAEXAMPLECI0001', '192.0.2.77', LAPTOP_UA),
      // The stolen credentials, replayed from a laptop (no exec-env in its user agent).
      call('orders-task-role', TASK, 'ASIAEXAMPLETASK01', '192.0.2.200', LAPTOP_UA),
      call('thumbnailer-role', 'thumbnailer', 'ASIAEXAMPLEFN0001', '192.0.2.201', LAPTOP_UA),
      call('thumbnailer-role', 'thumbnailer', 'ASIAEXAMPLEFN0001', '192.0.2.201', LAPTOP_UA),
    ];
    const alerts = run(engineWith({ cooldownMs: 0 }), events(records));
    expect(alerts.map((a) => [a.detector, a.agentId, a.time, a.severity, a.observed['how'], a.observed['session'], a.expected['sessionHome']])).toEqual([
      [
        'multi_location',
        `arn:aws:iam::${ACCT}:role/orders-task-role`,
        new Date(T0 + (n - 2) * 10_000).toISOString(),
        'high',
        'session_moved',
        TASK,
        '203.0.113.5',
      ],
      [
        'multi_location',
        `arn:aws:iam::${ACCT}:role/thumbnailer-role`,
        new Date(T0 + (n - 1) * 10_000).toISOString(),
        'high',
        'session_moved',
        'thumbnailer/ASIAEXAMPLEFN0001',
        '3.250.1.10',
      ],
    ]);
  });
});
