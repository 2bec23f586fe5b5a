/**
 * Worker thread of bench/kafka-end-to-end.ts: a paced producer, off the pipeline's event loop.
 *
 * It replays the fleet from line `skip` on at `rate` events/s for `seconds`, keyed by agentId
 * (the Java client's murmur2 partitioner, as any producer in front of agentwatch would), and
 * interleaves `burstRate` events/s of first accesses to distinct secrets by the `burstAgents`
 * (each one a `new_sensitive_resource` alert). Every event's id and the wall-clock time it was
 * handed to the producer are sent back to the main thread at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Message, Partitioners } from 'kafkajs';
import { createFleet } from '../scripts/fleet/generate-fleet.js';
import { loadConfig } from '../src/config/load-config.js';
import { createKafka } from '../src/kafka/kafka-client.js';

export interface PacedProducerInput {
  brokers: string;
  topic: string;
  fleet: { seed: number; agents: number; days: number };
  skip: number;
  rate: number;
  seconds: number;
  burstRate: number;
  burstAgents: { agentId: string; agentClass?: string; tenant?: string }[];
}

export interface PacedProducerResult {
  ids: string[];
  /** Wall-clock ms when the event was handed to producer.send(). */
  sentAt: Float64Array;
  /** Wall-clock ms when that send was acknowledged (acks=-1). */
  ackedAt: Float64Array;
  fleetEvents: number;
  burstEvents: number;
  seconds: number;
  sends: number;
  maxSendMs: number;
}

const input = workerData as PacedProducerInput;
const port = parentPort;
if (!port) throw new Error('kafka-paced-producer.ts runs as a worker thread');

// Prepared before the clock starts: the lines, their keys, ids and event times.
const wanted = Math.ceil(input.rate * input.seconds * 1.02) + 1000;
const lines: string[] = [];
const keys: string[] = [];
const ids: string[] = [];
const times: number[] = [];
let i = 0;
for (const line of createFleet(input.fleet).lines()) {
  if (i++ < input.skip) continue;
  const e = JSON.parse(line) as { id: string; agentId: string; time: string };
  lines.push(line);
  keys.push(e.agentId);
  ids.push(e.id);
  times.push(Date.parse(e.time));
  if (lines.length >= wanted) break;
}

const { config } = loadConfig(undefined, {});
config.kafka.brokers = input.brokers.split(',');
const kafka = createKafka(config.kafka, { clientId: 'agentwatch-bench-producer' });
const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const maxEvents = lines.length + Math.ceil(input.burstRate * input.seconds) + 1000;
const sentIds: string[] = [];
const sentAt = new Float64Array(maxEvents);
const ackedAt = new Float64Array(maxEvents);
const lastBurstMs = new Map<string, number>();
let fleetSent = 0;
let burstSent = 0;
let lastFleetTimeMs = times[0] ?? Date.parse('2026-03-02T00:00:00Z');
let sends = 0;
let maxSendMs = 0;
// Sends are pipelined (up to MAX_IN_FLIGHT requests), so an event is handed over when it is due
// rather than after the previous request's acknowledgement.
const MAX_IN_FLIGHT = 4;
const inFlight = new Set<Promise<void>>();
let failure: unknown;

port.postMessage({ type: 'ready', events: lines.length });
await new Promise<void>((resolve) => port.once('message', () => resolve()));

const t0 = performance.now();
const endAt = t0 + input.seconds * 1000;
for (;;) {
  if (failure !== undefined) throw failure;
  const now = performance.now();
  if (now >= endAt || fleetSent >= lines.length) break;
  const elapsed = (now - t0) / 1000;
  const fleetDue = Math.min(Math.floor(input.rate * elapsed) - fleetSent, lines.length - fleetSent, 1000); // a request stays well under the broker's 1 MB per partition
  const burstDue = input.burstAgents.length ? Math.floor(input.burstRate * elapsed) - burstSent : 0;
  if ((fleetDue <= 0 && burstDue <= 0) || inFlight.size >= MAX_IN_FLIGHT) {
    await sleep(1);
    continue;
  }
  const messages: Message[] = [];
  const wall = Date.now();
  const first = sentIds.length;
  for (let k = 0; k < fleetDue; k++) {
    const j = fleetSent++;
    messages.push({ key: keys[j] as string, value: lines[j] as string });
    sentAt[sentIds.length] = wall;
    sentIds.push(ids[j] as string);
    const t = times[j] as number;
    if (t > lastFleetTimeMs) lastFleetTimeMs = t;
  }
  for (let k = 0; k < burstDue; k++) {
    const n = burstSent++;
    const agent = input.burstAgents[n % input.burstAgents.length] as PacedProducerInput['burstAgents'][number];
    // Strictly increasing event time per agent: with cooldownMs 0 a trigger at the same
    // millisecond as the open incident would still be folded into it.
    const timeMs = Math.max(lastFleetTimeMs, (lastBurstMs.get(agent.agentId) ?? 0) + 1);
    lastBurstMs.set(agent.agentId, timeMs);
    const id = `aw-bench-burst-${n}`;
    const event = {
      id,
      time: new Date(timeMs).toISOString(),
      agentId: agent.agentId,
      ...(agent.agentClass && { agentClass: agent.agentClass }),
      ...(agent.tenant && { tenant: agent.tenant }),
      category: 'resource_access',
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:us-east-1:000000000000:secret:aw-bench/burst-${n}`,
      outcome: 'success',
    };
    messages.push({ key: agent.agentId, value: JSON.stringify(event) });
    sentAt[sentIds.length] = wall;
    sentIds.push(id);
  }
  const s0 = performance.now();
  const last = sentIds.length;
  const send: Promise<void> = producer
    .send({ topic: input.topic, messages, acks: -1 })
    .then(
      () => {
        ackedAt.fill(Date.now(), first, last);
        maxSendMs = Math.max(maxSendMs, performance.now() - s0);
      },
      (err: unknown) => void (failure = err),
    )
    .finally(() => inFlight.delete(send));
  inFlight.add(send);
  sends++;
}
await Promise.all(inFlight);
if (failure !== undefined) throw failure;
const seconds = (performance.now() - t0) / 1000;
await producer.disconnect();

const result: PacedProducerResult = {
  ids: sentIds,
  sentAt: sentAt.slice(0, sentIds.length),
  ackedAt: ackedAt.slice(0, sentIds.length),
  fleetEvents: fleetSent,
  burstEvents: burstSent,
  seconds,
  sends,
  maxSendMs,
};
port.postMessage({ type: 'done', result });
