import { derive } from './prng.js';
import type { AgentProfile } from './types.js';

/**
 * What one local calendar day looks like for an agent: the day-to-day variation a real fleet has
 * (a busier Tuesday, a batch that ran long, someone's script poking a business-hours bot at 3am).
 * Drawn from its own stream so any part of the generator can ask about any local day.
 */
export interface LocalDay {
  index: number;
  weekday: number;
  volume: number;
  start: number;
  end: number;
  /** Local minutes of stray night events of business-hours agents (normal, not anomalies). */
  strays: number[];
  burstStart: number;
  burstLen: number;
  burstFactor: number;
  /** A batch re-run after a failure, later in the morning: looks like a spike, is operations. */
  rerunStart: number;
  rerunLen: number;
  /** Half-hour blocks of intra-day variation (meetings, queues draining). */
  blocks: Float64Array;
}

export function localDay(seed: number, agent: AgentProfile, index: number, startWeekday: number): LocalDay {
  const rng = derive(seed, 'lday', agent.index, index);
  const p = agent.params;
  const weekday = (((startWeekday + index) % 7) + 7) % 7;
  const blocks = new Float64Array(48);
  for (let i = 0; i < 48; i++) blocks[i] = rng.lognormal(-0.03, 0.25);
  const ld: LocalDay = {
    index,
    weekday,
    volume: rng.lognormal(-0.01, 0.12),
    start: p.dayStart + rng.int(-10, 20),
    end: p.dayEnd + rng.int(-30, 30),
    strays: [],
    burstStart: -1,
    burstLen: 0,
    burstFactor: 0,
    rerunStart: -1,
    rerunLen: 0,
    blocks,
  };
  if (agent.archetype === 'business') {
    const chance = weekday >= 5 ? p.strayPerDay * 0.5 : p.strayPerDay;
    if (rng.chance(chance)) {
      // Night strays: a developer's test, a retried webhook. Often right in the 01:00–05:00 window.
      const at = rng.chance(0.6) ? rng.int(60, 5 * 60 - 1) : rng.chance(0.5) ? rng.int(0, 6 * 60) : rng.int(ld.end + 90, 1439);
      ld.strays.push(at);
      if (rng.chance(0.4)) ld.strays.push(Math.min(1439, at + rng.int(0, 2)));
    }
  }
  if (agent.archetype === 'nightly' || (agent.archetype === 'weekly' && weekday === p.burstWeekday)) {
    ld.burstStart = p.burstAt + rng.int(0, 2);
    ld.burstLen = Math.max(10, Math.round(p.burstMinutes * rng.range(0.85, 1.2)));
    ld.burstFactor = p.burstFactor * rng.range(0.85, 1.15);
    if (agent.archetype === 'nightly' && rng.chance(0.025)) {
      ld.rerunStart = rng.int(6 * 60, 10 * 60);
      ld.rerunLen = Math.max(8, Math.round(ld.burstLen * 0.6));
    }
  }
  return ld;
}

function diurnal(amp: number, peak: number, localMinute: number): number {
  return 1 + amp * Math.cos((2 * Math.PI * (localMinute / 60 - peak)) / 24);
}

export function inBurst(ld: LocalDay, m: number): boolean {
  return (
    (ld.burstStart >= 0 && m >= ld.burstStart && m < ld.burstStart + ld.burstLen) ||
    (ld.rerunStart >= 0 && m >= ld.rerunStart && m < ld.rerunStart + ld.rerunLen)
  );
}

/**
 * Expected events per minute at local minute `m` of local day `ld`; `dayFloat` is days since the
 * start (growth agents). Heavy-tail surges and sparse polls are added by the sampler.
 */
export function rateAt(agent: AgentProfile, ld: LocalDay, m: number, dayFloat: number): number {
  const p = agent.params;
  const base = agent.baseRate * ld.volume;
  const block = ld.blocks[(m / 30) | 0] ?? 1;
  switch (agent.archetype) {
    case 'steady':
    case 'heavy':
      return base * diurnal(p.diurnalAmp, p.peakHour, m) * (ld.weekday >= 5 ? p.weekendFactor : 1) * block;
    case 'growth':
      return base * Math.pow(1 + p.growthPerDay, dayFloat) * diurnal(p.diurnalAmp, p.peakHour, m) * block;
    case 'business': {
      if (ld.weekday >= 5 || m < ld.start || m >= ld.end) return 0;
      let f = block;
      if (m < ld.start + 20) f *= 0.3 + (0.7 * (m - ld.start)) / 20;
      if (m >= 12 * 60 && m < 13 * 60) f *= 0.65;
      if (m >= ld.end - 30) f *= 0.6;
      return base * f;
    }
    case 'nightly':
    case 'weekly': {
      const bg = base * diurnal(0.1, p.peakHour, m);
      if (!inBurst(ld, m)) return bg;
      const s = ld.rerunStart >= 0 && m >= ld.rerunStart ? ld.rerunStart : ld.burstStart;
      const len = s === ld.rerunStart ? ld.rerunLen : ld.burstLen;
      let f = ld.burstFactor;
      if (m < s + 2) f *= 0.5;
      else if (m >= s + len - 3) f *= 0.4;
      return agent.baseRate * f;
    }
    case 'sparse':
      return base * 0.3;
  }
}

/** The agent's ordinary rate for a time, averaged over an hour: what "usual for that hour" means. */
export function usualHourlyRate(agent: AgentProfile, ld: LocalDay, m: number, dayFloat: number): number {
  const h0 = Math.floor(m / 60) * 60;
  let sum = 0;
  for (let i = 0; i < 60; i++)
    sum += inBurst(ld, h0 + i) ? rateAt(agent, { ...ld, burstStart: -1, rerunStart: -1 }, h0 + i, dayFloat) : rateAt(agent, ld, h0 + i, dayFloat);
  const polls = agent.archetype === 'sparse' ? 2 / agent.params.pollEvery : 0;
  return sum / 60 + polls;
}
