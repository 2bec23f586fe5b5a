import { CountSketch } from './count-sketch.js';
import { HourProfile } from './hour-profile.js';
import { SeenSet } from './seen-set.js';

/**
 * What the agents of one `agentClass` do together (peer group): the permissions they request,
 * and a typical member's week (hourly peaks, hour-of-week activity, bucket counts). A new member
 * is judged against it until its own baseline matures, so a new agent is not a blind spot; and a
 * permission the class already requests is not new for a member (a release rolled out to every
 * replica asks for it on each, one after another).
 *
 * Class baselines live on each instance, learned from the members whose partitions it owns, and
 * are rebuilt as members are restored (permissions) or re-learned (the week). See README.
 */
export class ClassBaseline {
  readonly permissions: SeenSet;
  readonly profile = new HourProfile();
  readonly sketch: CountSketch;
  firstSeenMs = Number.POSITIVE_INFINITY;
  lastSeenMs = Number.NEGATIVE_INFINITY;
  /** Latest event time a member joined (or the group was created) at: with lastSeenMs, how recently the group was active. */
  joinedMs = Number.NEGATIVE_INFINITY;
  private dayIndex = Number.NEGATIVE_INFINITY;

  constructor(
    readonly agentClass: string,
    maxPermissions: number,
    forgetAfterMs: number,
    relativeAccuracy: number,
    binLimit: number,
  ) {
    this.permissions = new SeenSet(maxPermissions, forgetAfterMs);
    this.sketch = new CountSketch(relativeAccuracy, binLimit);
  }

  /** Event time of the group's latest activity (a bucket observed, a member joined). */
  get activeMs(): number {
    return Math.max(this.lastSeenMs, this.joinedMs);
  }

  /** Old enough to judge a newcomer by. */
  isMature(learningPeriodMs: number): boolean {
    return this.lastSeenMs - this.firstSeenMs >= learningPeriodMs;
  }

  observeBucket(count: number, timeMs: number): void {
    this.sketch.accept(count);
    if (timeMs < this.firstSeenMs) this.firstSeenMs = timeMs;
    if (timeMs > this.lastSeenMs) this.lastSeenMs = timeMs;
  }

  /** A member's local hour closed (members of a class are expected to share a timezone). */
  observeHour(localHourIndex: number, slot: number, events: number, maxBucket: number, weeklyAlpha: number, peakDecay: number): void {
    const day = Math.floor(localHourIndex / 24);
    if (day > this.dayIndex) {
      if (Number.isFinite(this.dayIndex)) this.profile.commitDay();
      this.dayIndex = day;
    }
    this.profile.learnHour(slot, events, maxBucket, weeklyAlpha, peakDecay);
  }
}
