import { readFileSync } from 'node:fs';
import { loadBaselinesDir } from '../src/config/load-baselines.js';
import { defaultEngineSettings } from '../src/core/engine-context.js';
import { Engine } from '../src/core/engine.js';
import { decodeAuditEvent } from '../src/core/events/decode-audit-event.js';
const [file, until, dir] = process.argv.slice(2) as [string, string, string];
const engine = new Engine(defaultEngineSettings(), loadBaselinesDir(dir).baselines);
const stop = Date.parse(until);
let id = '';
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const e = decodeAuditEvent(line);
  if (e.timeMs > stop) break;
  id = e.agentId;
  for (const a of engine.process(e, e.timeMs)) console.log('ALERT', a.detector, a.time);
}
const a = engine.agent(id)!;
const p = a.profile.snapshot();
console.log('tz', a.timezone, 'hourSlot', a.hourSlot, 'idle', a.hourIdle, 'count', a.hourCount, 'learning', a.isLearning(engine.ctx));
for (let d = 0; d < 7; d++) console.log(d, p.weekly.slice(d * 24, d * 24 + 24).map((v) => (v === null ? '-' : v.toFixed(1))).join(' '));
