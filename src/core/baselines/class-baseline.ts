import { SeenSet } from './seen-set.js';

/**
 * What the agents of one `agentClass` do together (peer group). A permission the class already
 * requests is not new for a member: a release rolled out to every replica asks for it on each,
 * one after another. A class baseline is rebuilt from its members' baselines when they are
 * restored, so it lives on each instance, learned from the members whose partitions it owns.
 */
export class ClassBaseline {
  readonly permissions: SeenSet;

  constructor(
    readonly agentClass: string,
    maxPermissions: number,
    forgetAfterMs: number,
  ) {
    this.permissions = new SeenSet(maxPermissions, forgetAfterMs);
  }
}
