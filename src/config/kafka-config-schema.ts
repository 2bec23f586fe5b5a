import { Type, type Static } from '@sinclair/typebox';

/** Kafka connection and topic names (DESIGN.md defaults). Secrets come best from the environment. */
export const KafkaConfigSchema = Type.Object(
  {
    brokers: Type.Array(Type.String({ minLength: 1, description: 'host:port' }), { minItems: 1, default: ['127.0.0.1:9092'] }),
    clientId: Type.String({ minLength: 1, default: 'agentwatch' }),
    groupId: Type.String({ minLength: 1, default: 'agentwatch', description: 'Consumer group shared by every instance.' }),
    topics: Type.Object(
      {
        input: Type.String({ minLength: 1, default: 'agent-audit-events' }),
        alerts: Type.String({ minLength: 1, default: 'agentwatch-alerts' }),
        deadLetter: Type.String({ minLength: 1, default: 'agent-audit-events.dlq' }),
        baselines: Type.String({
          minLength: 1,
          default: 'agentwatch-baselines',
          description: 'Compacted changelog of per-agent baselines, keyed by agent id.',
        }),
        feedback: Type.String({
          minLength: 1,
          default: 'agentwatch-feedback',
          description: 'Compacted topic of analyst verdicts (`agentwatch feedback`), keyed by alert id; every instance reads all of it.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    createTopics: Type.Boolean({
      default: true,
      description: 'Create missing topics at start (the changelog compacted, with the input topic’s partition count).',
    }),
    partitions: Type.Integer({ minimum: 1, default: 3, description: 'Partitions of topics agentwatch creates when the input topic does not exist either.' }),
    replicationFactor: Type.Integer({ minimum: 1, default: 1 }),
    ssl: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        caFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM bundle of the CAs that sign the brokers’ certificates.' })),
        certFile: Type.Optional(Type.String({ minLength: 1 })),
        keyFile: Type.Optional(Type.String({ minLength: 1 })),
        rejectUnauthorized: Type.Boolean({ default: true, description: 'Verify the brokers’ certificates (keep true outside a lab).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    sasl: Type.Optional(
      Type.Object(
        {
          mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
          username: Type.String({ minLength: 1 }),
          password: Type.String({ minLength: 1, secret: true, description: 'Prefer AGENTWATCH_KAFKA_SASL_PASSWORD; never logged.' }),
        },
        { additionalProperties: false },
      ),
    ),
    connectionTimeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    retry: Type.Object(
      {
        retries: Type.Integer({
          minimum: 0,
          maximum: 30,
          default: 8,
          description: 'Attempts kafkajs retries a failed request before the consumer gives up and `run` exits non-zero (to be restarted).',
        }),
        initialRetryTimeMs: Type.Integer({ minimum: 10, default: 300 }),
        maxRetryTimeMs: Type.Integer({
          minimum: 100,
          default: 5_000,
          description:
            'Back-off doubles from initialRetryTimeMs up to this: with the defaults a broker away for about 25 s is ridden out, longer ends the process.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    sessionTimeoutMs: Type.Integer({ minimum: 6_000, default: 30_000 }),
    maxBytesPerPartition: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  },
  { additionalProperties: false, default: {} },
);
export type KafkaConfig = Static<typeof KafkaConfigSchema>;

/** The live service: how often baselines are flushed and offsets committed, and how it stops. */
export const RunConfigSchema = Type.Object(
  {
    flushIntervalMs: Type.Integer({
      minimum: 100,
      default: 5_000,
      description: 'Changed baselines go to the changelog, then input offsets are committed, this often.',
    }),
    shutdownTimeoutMs: Type.Integer({ minimum: 1_000, default: 30_000 }),
  },
  { additionalProperties: false, default: {} },
);
export type RunConfig = Static<typeof RunConfigSchema>;
