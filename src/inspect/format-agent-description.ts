import type { AgentDescription, SeenList } from './describe-agent.js';
import { escapeControls } from '../core/escape-controls.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const when = (isoTime: string) => `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)}`;
const LABEL = 9;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** A number in 4 columns: 0 → '·', 7 → '7', 1234 → '1.2k', 45678 → '46k'. */
function cell(v: number | null): string {
  let s: string;
  if (v === null) s = '?';
  else if (v < 0.5) s = '·';
  else if (v < 1000) s = String(Math.round(v));
  else if (v < 9950) s = `${(v / 1000).toFixed(1)}k`;
  else if (v < 999_500) s = `${Math.round(v / 1000)}k`;
  else s = `${Math.round(v / 1e6)}M`;
  return s.padStart(4);
}

const perMin = (v: number) => (v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function seenSection(title: string, list: SeenList, out: string[]): void {
  if (list.total === 0) {
    out.push(`${title}: none`);
    return;
  }
  out.push(`${title} (${list.total}, most recent first)`);
  const width = Math.min(60, Math.max(...list.shown.map((v) => v.value.length)));
  for (const v of list.shown) {
    // Cut in the middle: both the service prefix and the object name tell resources apart.
    const value =
      v.value.length > width ? `${v.value.slice(0, Math.floor(width / 2) - 1)}…${v.value.slice(v.value.length - Math.ceil(width / 2))}` : v.value.padEnd(width);
    out.push(`  ${value}  first ${when(v.firstSeen)}  last ${when(v.lastSeen)}`);
  }
  if (list.more > 0) out.push(`  … ${list.more} more`);
}

/** Deploys and maintenance windows, and what they held back (issue 14, item 7). */
function graceSection(d: AgentDescription, out: string[]): void {
  const g = d.grace;
  const parts: string[] = [];
  if (g.lastDeploy)
    parts.push(
      `last deploy ${g.lastDeploy.action} at ${when(g.lastDeploy.at)} UTC, grace until ${when(g.lastDeploy.graceUntil)}${g.lastDeploy.activeAtLastEvent ? ' (in grace at its last event)' : ''}`,
    );
  if (g.maintenance.length) parts.push(`maintenance ${g.maintenance.map((m) => `${m.window}${m.label ? ` (${m.label})` : ''}`).join(', ')}`);
  out.push(parts.length ? `Grace: ${parts.join('; ')}` : 'Grace: none (no deploy seen, no maintenance window declared)');
  const held = Object.entries(g.heldAlerts);
  if (held.length)
    out.push(
      `  Held back in grace: ${g.heldTotal} alert${g.heldTotal === 1 ? '' : 's'} (${held.map(([det, h]) => `${det} ${h.alerts}, last ${when(h.last)}`).join('; ')}), learned as normal`,
    );
}

/** rate_spike's scan windows in one local hour (issue 14, item 4). */
function rateWindowsSection(d: AgentDescription, out: string[]): void {
  const w = d.rateWindows;
  out.push(`Scan windows for ${w.hour}: about ${w.expectedPerMinute}/min expected, dispersion ${w.dispersion}`);
  for (const x of w.windows)
    out.push(
      `  last ${x.window.padEnd(7)} expected ${String(x.expected).padStart(7)}   alert at ${x.alertAt === null ? (w.active ? 'never (nothing expected)' : 'not yet (learning, or windows disabled)') : `${x.alertAt} calls`}`,
    );
  if (w.cusum)
    out.push(`  sustained rise   CUSUM tuned to ${w.cusum.ratio}× the expectation, fires at ${w.cusum.threshold} (log-likelihood ratio / dispersion)`);
}

/** The text of `agentwatch inspect`: what is normal for the agent, as a SOC engineer reads it. */
export function formatAgentDescription(d: AgentDescription): string {
  const out: string[] = [];
  const who = [d.agentClass && `class ${d.agentClass}`, d.tenant && `tenant ${d.tenant}`].filter(Boolean).join(', ');
  out.push(`${d.agentId}${who ? `  (${who})` : ''}`);
  out.push(`Seen ${when(d.firstSeen)} → ${when(d.lastSeen)} UTC: ${int(d.events)} events over ${d.learning.days} days`);
  const l = d.learning;
  if (!l.learning) out.push(`Learning: done — learned detectors judge it by its own baseline`);
  else {
    const why = [l.until && `until ${when(l.until)} UTC`, l.eventsNeeded !== undefined && `${l.eventsNeeded} more events needed`].filter(Boolean).join(', ');
    out.push(`Learning: yes (${why}) — learned detectors are silent or judge it by its peer group`);
  }
  out.push('');
  const r = d.rates;
  out.push('Rate, events per minute');
  out.push(
    `  active minutes   p50 ${perMin(r.activeMinute.p50)}   p90 ${perMin(r.activeMinute.p90)}   p99 ${perMin(r.activeMinute.p99)}   (${int(r.activeMinutes)} active minutes, recent weighted more)`,
  );
  const hl = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : `${Math.round(ms / 60_000)} min`);
  out.push(
    `  EWMA             half-life ${hl(r.ewma.fast.halfLifeMs)}: ${r.ewma.fast.mean} ± ${r.ewma.fast.stddev}   half-life ${hl(r.ewma.slow.halfLifeMs)}: ${r.ewma.slow.mean} ± ${r.ewma.slow.stddev}`,
  );
  out.push('');
  out.push(
    `Typical events per hour of the week, local time (${offsetLabel(d.utcOffsetMinutes)}${d.timezone ? ` ${d.timezone}` : ''}; · none, ? never observed)`,
  );
  const label = (s: string) => `  ${s.padEnd(LABEL)}`;
  out.push(`${label('')}${Array.from({ length: 24 }, (_, h) => String(h).padStart(4)).join('')}`);
  d.week.forEach((row, i) => out.push(`${label(DAYS[i] as string)}${row.map(cell).join('')}`));
  out.push('Busiest minute by local hour of the day: usual, and the rate above which rate_spike fires');
  out.push(`${label('usual/min')}${d.hourOfDay.map((h) => cell(h.usualPeakPerMinute)).join('')}`);
  if (d.hourOfDay.some((h) => h.alertAbovePerMinute !== null)) out.push(`${label('alert/min')}${d.hourOfDay.map((h) => cell(h.alertAbovePerMinute)).join('')}`);
  else out.push(`${label('alert/min')}not yet (learning, or rate_spike disabled)`);
  rateWindowsSection(d, out);
  out.push('');
  seenSection('Resources', d.resources, out);
  seenSection('Sensitive resources', d.sensitiveResources, out);
  seenSection('Permissions', d.permissions, out);
  seenSection('Locations', d.locations, out);
  out.push('');
  if (d.openIncidents.length === 0) out.push('Open incidents: none');
  else {
    out.push(`Open incidents (${d.openIncidents.length})`);
    for (const i of d.openIncidents) {
      out.push(
        `  ${i.detector}${i.severity ? ` ${i.severity}` : ''}  opened ${when(i.opened)}, last trigger ${when(i.lastTrigger)} (${i.triggers} trigger${i.triggers === 1 ? '' : 's'})${i.acceptedNormal ? ', marked normal' : ''}  id ${i.alertId}`,
      );
      if (i.summary) out.push(`    ${i.summary}`);
    }
  }
  const accepted = Object.entries(d.acceptedPatterns);
  if (accepted.length)
    out.push(
      `Marked normal by analysts: ${accepted.map(([det, a]) => `${det} (${a.patterns} pattern${a.patterns === 1 ? '' : 's'}${a.upTo !== null ? `, up to ${a.upTo}` : ''})`).join(', ')}`,
    );
  graceSection(d, out);
  if (d.peers)
    out.push(
      `Peer group ${d.peers.agentClass}: ${d.peers.members.length ? d.peers.members.join(', ') : 'no other member in this state'}${d.peers.more ? ` … ${d.peers.more} more` : ''}`,
    );
  else out.push('Peer group: none (no agentClass)');
  // Agent ids, resources and summaries come from events: each line is escaped for the terminal.
  return out.map(escapeControls).join('\n');
}
