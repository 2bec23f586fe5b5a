/** Who last touched a sensitive resource, and how: the other side of a first access. */
export interface SensitiveTouch {
  agentId: string;
  action: string;
  timeMs: number;
}

/**
 * The last agent to touch each sensitive resource, across the fleet (issue 15, item 5: an alert
 * says who else uses the secret it reports, as GuardDuty and Defender for Cloud Apps name the
 * usual principal). Bounded: the least recently touched resources are forgotten first, so a
 * flood of resource names costs at most `maxResources` entries. Not part of the saved state: a
 * warm start or another instance's partition only loses the "who else" line, never an alert.
 */
export class SensitiveTouches {
  private readonly last = new Map<string, SensitiveTouch>();

  constructor(private readonly maxResources: number) {}

  get size(): number {
    return this.last.size;
  }

  get(resource: string): SensitiveTouch | undefined {
    return this.last.get(resource);
  }

  record(resource: string, touch: SensitiveTouch): void {
    this.last.delete(resource);
    this.last.set(resource, touch);
    if (this.last.size > this.maxResources) this.last.delete(this.last.keys().next().value as string);
  }
}
