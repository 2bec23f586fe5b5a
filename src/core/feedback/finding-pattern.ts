/**
 * What "the same pattern" means for feedback: an exact value (the resource, the permission, the
 * place, the local hour, the rule and its value), or a magnitude (a rate, an error share) below
 * which the agent's behaviour is now expected. Each detector says which (its `pattern`,
 * src/core/detectors/*.ts); one without a pattern takes feedback on the incident only.
 */
export interface FindingPattern {
  key?: string;
  magnitude?: number;
}

/** An observed value as a pattern key: strings as they are, anything else as JSON, nothing as ''. */
export function patternValue(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}
