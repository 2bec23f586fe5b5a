/** How far the one agent furthest ahead may lead the stream clock beyond every other agent. */
export const MAX_SINGLE_AGENT_LEAD_MS = 3_600_000;

/**
 * Event-time clocks that no single agent can drag (issue 12: one record dated 9999-12-31 once
 * evicted every baseline). Tracks the agent furthest ahead and the latest time of any other
 * agent, in O(1) per event:
 *
 * - `robustMs`, the second-highest per-agent time: what the fleet, minus its one outlier, has
 *   reached. The idle sweep uses it, so one agent's clock never evicts another agent.
 * - `clockMs`, the highest time, but at most {@link MAX_SINGLE_AGENT_LEAD_MS} past `robustMs`:
 *   the clock that resolves quiet incidents and releases reordered events. A fleet whose other
 *   agents have gone quiet still moves it (an hour at most past them, enough for any cooldown),
 *   and in an ordinary fleet it is exactly the latest time seen.
 *
 * With one agent in the stream, that agent is the stream.
 */
export class StreamWatermark {
  private topAgent: string | undefined;
  private topMs = Number.NEGATIVE_INFINITY;
  private secondMs = Number.NEGATIVE_INFINITY;

  observe(agentId: string, timeMs: number): void {
    if (agentId === this.topAgent) {
      if (timeMs > this.topMs) this.topMs = timeMs;
    } else if (timeMs > this.topMs) {
      if (this.topAgent !== undefined) this.secondMs = this.topMs;
      this.topAgent = agentId;
      this.topMs = timeMs;
    } else if (timeMs > this.secondMs) {
      this.secondMs = timeMs;
    }
  }

  /** -Infinity before any event. */
  get robustMs(): number {
    return this.secondMs === Number.NEGATIVE_INFINITY ? this.topMs : this.secondMs;
  }

  /** -Infinity before any event. */
  get clockMs(): number {
    return this.secondMs === Number.NEGATIVE_INFINITY ? this.topMs : Math.min(this.topMs, this.secondMs + MAX_SINGLE_AGENT_LEAD_MS);
  }
}
